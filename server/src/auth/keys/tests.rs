//! Unit tests of `keys`: PEM in and out, strength, JWKs and RFC 7638 thumbprints.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use secrecy::ExposeSecret;

use super::*;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/keys");

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{FIXTURES}/{name}")).unwrap()
}

#[test]
fn the_thumbprint_of_rfc_7638s_example_key() {
    // RFC 7638 §3.1.
    let n = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
    let key = rsa::RsaPublicKey::new(
        rsa::BigUint::from_bytes_be(&URL_SAFE_NO_PAD.decode(n).unwrap()),
        rsa::BigUint::from_bytes_be(&URL_SAFE_NO_PAD.decode("AQAB").unwrap()),
    )
    .unwrap();
    let jwk = PublicKey::Rsa(key).jwk();
    assert_eq!(jwk.n.as_deref(), Some(n));
    assert_eq!(jwk.e.as_deref(), Some("AQAB"));
    assert_eq!(jwk.kid, "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
}

#[test]
fn fixture_keys_have_the_thumbprints_openssl_and_python_compute() {
    // Computed outside Rust (Python `cryptography` over the same PEMs) when the fixtures were made.
    for (file, algorithm, kid) in [
        (
            "eddsa.pem",
            SigningAlgorithm::EdDsa,
            "FFJ1w-IH7lFvxM4h8JHOK005Oc7XGZW2XgPCCZblgU8",
        ),
        (
            "es256.pem",
            SigningAlgorithm::Es256,
            "50oh_AoG4PmVFRKXThhinHkx_t6f_tqIL2o1OnX9brI",
        ),
        (
            "rs256.pem",
            SigningAlgorithm::Rs256,
            "urUIaQ75G7WUdzr-SzmxlMgYUYISaBoIJsJ5XRGwpuI",
        ),
    ] {
        let private = PrivateKey::from_pem(algorithm, &fixture(file)).unwrap();
        assert_eq!(private.algorithm(), algorithm);
        assert_eq!(private.public().kid(), kid, "{file}");
        let public = PublicKey::from_pem(&fixture(&file.replace(".pem", ".pub.pem"))).unwrap();
        assert_eq!(public, private.public(), "{file}");
    }
}

#[test]
fn jwks_carry_only_public_members() {
    let ed = PrivateKey::from_pem(SigningAlgorithm::EdDsa, &fixture("eddsa.pem")).unwrap();
    let ec = PrivateKey::from_pem(SigningAlgorithm::Es256, &fixture("es256.pem")).unwrap();
    let rsa = PrivateKey::from_pem(SigningAlgorithm::Rs256, &fixture("rs256.pem")).unwrap();
    for (key, kty, members) in [
        (&ed, "OKP", &["alg", "crv", "kid", "kty", "use", "x"][..]),
        (
            &ec,
            "EC",
            &["alg", "crv", "kid", "kty", "use", "x", "y"][..],
        ),
        (&rsa, "RSA", &["alg", "e", "kid", "kty", "n", "use"][..]),
    ] {
        let json = serde_json::to_value(key.public().jwk()).unwrap();
        let mut names: Vec<_> = json.as_object().unwrap().keys().cloned().collect();
        names.sort();
        assert_eq!(names, members, "{json}");
        assert_eq!(json["kty"], kty);
        assert_eq!(json["use"], "sig");
        assert_eq!(json["alg"], key.algorithm().name());
    }
    let ec = serde_json::to_value(ec.public().jwk()).unwrap();
    for coordinate in ["x", "y"] {
        let bytes = URL_SAFE_NO_PAD
            .decode(ec[coordinate].as_str().unwrap())
            .unwrap();
        assert_eq!(
            bytes.len(),
            32,
            "RFC 7518 §6.2.1.2: full-length coordinates"
        );
    }
}

#[test]
fn generated_keys_round_trip_through_pkcs8_pem() {
    for algorithm in [
        SigningAlgorithm::EdDsa,
        SigningAlgorithm::Es256,
        SigningAlgorithm::Rs256,
    ] {
        let key = PrivateKey::generate(algorithm).unwrap();
        let pem = key.to_pem();
        assert!(
            pem.expose_secret()
                .starts_with("-----BEGIN PRIVATE KEY-----")
        );
        let read = PrivateKey::from_pem(algorithm, pem.expose_secret()).unwrap();
        assert_eq!(read.public(), key.public());
    }
    assert_eq!(
        PrivateKey::generate(SigningAlgorithm::Hs256).err(),
        Some(KeyError::NotAsymmetric)
    );
}

#[test]
fn a_key_of_another_algorithm_is_refused() {
    assert_eq!(
        PrivateKey::from_pem(SigningAlgorithm::Es256, &fixture("eddsa.pem")).err(),
        Some(KeyError::NotPrivateKey(SigningAlgorithm::Es256))
    );
    assert_eq!(
        PrivateKey::from_pem(SigningAlgorithm::EdDsa, "not a pem").err(),
        Some(KeyError::NotPrivateKey(SigningAlgorithm::EdDsa))
    );
    assert_eq!(
        PublicKey::from_pem(&fixture("eddsa.pem")).err(),
        Some(KeyError::NotPublicKey)
    );
}

#[test]
fn rsa_keys_under_2048_bits_are_refused() {
    assert_eq!(
        PrivateKey::from_pem(SigningAlgorithm::Rs256, &fixture("rs256-1024-weak.pem")).err(),
        Some(KeyError::WeakRsa(1024))
    );
}

#[test]
fn a_bundle_of_public_keys_reads_every_one() {
    let bundle = format!(
        "old EdDSA key\n{}\n{}{}",
        fixture("eddsa.pub.pem"),
        fixture("es256.pub.pem"),
        fixture("rs256.pub.pem")
    );
    let keys = PublicKey::all_from_pem(&bundle).unwrap();
    let algorithms: Vec<_> = keys.iter().map(PublicKey::algorithm).collect();
    assert_eq!(
        algorithms,
        [
            SigningAlgorithm::EdDsa,
            SigningAlgorithm::Es256,
            SigningAlgorithm::Rs256
        ]
    );
    assert!(PublicKey::all_from_pem("").unwrap().is_empty());
}

#[test]
fn algorithm_names_parse_without_regard_to_case() {
    assert_eq!(
        SigningAlgorithm::parse("eddsa"),
        Ok(SigningAlgorithm::EdDsa)
    );
    assert_eq!(
        SigningAlgorithm::parse("ES256"),
        Ok(SigningAlgorithm::Es256)
    );
    assert!(SigningAlgorithm::parse("ES384").is_err());
    assert!(SigningAlgorithm::parse("none").is_err());
}
