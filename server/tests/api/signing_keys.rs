//! Asymmetric signing keys over HTTP: each algorithm's tokens verify with the JWKS the server
//! publishes (here with jsonwebtoken, as another Rust service would), `iss`/`aud` are set and
//! checked, a rotation keeps the previous public key verifying until it is removed, and a
//! migration from HS256 keeps the old tokens verifying only through JWT_PREVIOUS_SECRET_KEYS.

use std::path::{Path, PathBuf};

use gatehouse::keys::{PrivateKey, SigningAlgorithm};
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{DecodingKey, EncodingKey, Header, Validation};
use reqwest::StatusCode;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};

use crate::helpers::{
    PASSWORD, TestApp, answer, assert_unauthorized, encode_part, jwt_claims, jwt_header, spawn_app,
    spawn_app_with, test_secret,
};

const ALGORITHMS: [SigningAlgorithm; 3] = [
    SigningAlgorithm::EdDsa,
    SigningAlgorithm::Es256,
    SigningAlgorithm::Rs256,
];

/// The fixture key of `algorithm` (committed, so production would refuse it).
pub fn fixture_key(algorithm: SigningAlgorithm) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/keys")
        .join(format!("{}.pem", algorithm.name().to_ascii_lowercase()))
}

/// A fresh key of `algorithm` written to a file in `dir`.
fn fresh_key_file(dir: &Path, algorithm: SigningAlgorithm) -> (PrivateKey, PathBuf) {
    std::fs::create_dir_all(dir).unwrap();
    let key = PrivateKey::generate(algorithm).unwrap();
    let path = dir.join(format!("key-{}.pem", uuid::Uuid::new_v4()));
    std::fs::write(&path, key.to_pem().expose_secret()).unwrap();
    (key, path)
}

/// A server signing with the fixture key of `algorithm`.
async fn app_signing_with(algorithm: SigningAlgorithm) -> TestApp {
    spawn_app_with(|config| {
        config.jwt_algorithm = algorithm;
        config.jwt_private_key_file = Some(fixture_key(algorithm));
    })
    .await
}

async fn jwks(app: &TestApp) -> (Value, String) {
    let answer = answer(app.get("/.well-known/jwks.json").await, StatusCode::OK).await;
    let cache = answer.header("cache-control").to_owned();
    (answer.body, cache)
}

/// Verifies `token` as another service would: the key the JWKS lists under the token's `kid`,
/// the algorithm that key names, our issuer.
fn verify_with_jwks(
    token: &str,
    jwks: &Value,
    issuer: &str,
) -> jsonwebtoken::errors::Result<Value> {
    let set: JwkSet = serde_json::from_value(jwks.clone()).unwrap();
    let kid = jwt_header(token)["kid"].as_str().unwrap().to_owned();
    let jwk = set
        .find(&kid)
        .ok_or(jsonwebtoken::errors::ErrorKind::InvalidKeyFormat)?;
    let algorithm = jwk
        .common
        .key_algorithm
        .unwrap()
        .to_string()
        .parse()
        .unwrap();
    let mut validation = Validation::new(algorithm);
    validation.set_issuer(&[issuer]);
    validation.set_required_spec_claims(&["exp", "iss", "sub"]);
    jsonwebtoken::decode::<Value>(token, &DecodingKey::from_jwk(jwk)?, &validation)
        .map(|data| data.claims)
}

#[tokio::test]
async fn the_jwks_is_empty_under_hs256_and_cacheable() {
    let app = spawn_app().await;
    let (body, cache) = jwks(&app).await;
    assert_eq!(body, json!({"keys": []}));
    assert_eq!(cache, "public, max-age=300");
    // Also with the trailing slash, like every path.
    answer(app.get("/.well-known/jwks.json/").await, StatusCode::OK).await;
}

#[tokio::test]
async fn each_algorithm_signs_tokens_its_jwks_verifies() {
    for algorithm in ALGORITHMS {
        let app = app_signing_with(algorithm).await;
        let tokens = app.register_ok("ada@example.com", PASSWORD).await.tokens;
        let (body, cache) = jwks(&app).await;
        assert_eq!(cache, "public, max-age=300");
        let keys = body["keys"].as_array().unwrap();
        assert_eq!(keys.len(), 1, "{body}");
        assert_eq!(keys[0]["alg"], algorithm.name());
        assert_eq!(keys[0]["use"], "sig");
        for private in ["d", "p", "q", "dp", "dq", "qi", "k"] {
            assert!(
                keys[0].get(private).is_none(),
                "{private} published: {body}"
            );
        }
        for token in [&tokens.access, &tokens.refresh] {
            let header = jwt_header(token);
            assert_eq!(header["alg"], algorithm.name());
            assert_eq!(header["kid"], keys[0]["kid"]);
            let issuer = jwt_claims(token)["iss"].as_str().unwrap().to_owned();
            let claims = verify_with_jwks(token, &body, &issuer)
                .unwrap_or_else(|error| panic!("{algorithm}: {error}"));
            assert_eq!(claims["email"], "ada@example.com");
        }
        answer(app.get_user(&tokens.access).await, StatusCode::OK).await;
        answer(app.verify(&tokens.access).await, StatusCode::OK).await;
        let rotated = app.refresh_ok(&tokens.refresh).await;
        assert_eq!(jwt_header(&rotated.access)["alg"], algorithm.name());
    }
}

#[tokio::test]
async fn tokens_name_the_configured_issuer_and_audience() {
    let app = spawn_app_with(|config| {
        config.public_url = Some("https://auth.example.com".into());
    })
    .await;
    let tokens = app.register_ok("ada@example.com", PASSWORD).await.tokens;
    let claims = jwt_claims(&tokens.access);
    assert_eq!(
        claims["iss"], "https://auth.example.com",
        "PUBLIC_URL by default"
    );
    assert!(claims.get("aud").is_none(), "{claims}");

    let app = spawn_app_with(|config| {
        config.jwt_algorithm = SigningAlgorithm::EdDsa;
        config.jwt_private_key_file = Some(fixture_key(SigningAlgorithm::EdDsa));
        config.jwt_issuer = Some("https://issuer.example.com".into());
        config.jwt_audience = Some("orders-api".into());
    })
    .await;
    let tokens = app.register_ok("ada@example.com", PASSWORD).await.tokens;
    for token in [&tokens.access, &tokens.refresh] {
        let claims = jwt_claims(token);
        assert_eq!(claims["iss"], "https://issuer.example.com");
        assert_eq!(claims["aud"], "orders-api");
    }
    answer(app.get_user(&tokens.access).await, StatusCode::OK).await;
}

/// `claims` signed with the fixture EdDSA key under `kid`, with header `alg` as given.
fn signed_with_fixture(claims: &Value) -> String {
    let pem = std::fs::read(fixture_key(SigningAlgorithm::EdDsa)).unwrap();
    let key =
        PrivateKey::from_pem(SigningAlgorithm::EdDsa, std::str::from_utf8(&pem).unwrap()).unwrap();
    let mut header = Header::new(jsonwebtoken::Algorithm::EdDSA);
    header.kid = Some(key.public().kid());
    jsonwebtoken::encode(&header, claims, &key.encoding_key()).unwrap()
}

#[tokio::test]
async fn a_wrong_issuer_audience_alg_or_kid_is_refused() {
    let app = spawn_app_with(|config| {
        config.jwt_algorithm = SigningAlgorithm::EdDsa;
        config.jwt_private_key_file = Some(fixture_key(SigningAlgorithm::EdDsa));
        config.jwt_audience = Some("orders-api".into());
    })
    .await;
    let access = app
        .register_ok("ada@example.com", PASSWORD)
        .await
        .tokens
        .access;
    let claims = jwt_claims(&access);
    // The same claims signed again are accepted, so each refusal below is for its one change.
    answer(
        app.get_user(&signed_with_fixture(&claims)).await,
        StatusCode::OK,
    )
    .await;

    let mut wrong_issuer = claims.clone();
    wrong_issuer["iss"] = json!("https://evil.example.com");
    let mut no_issuer = claims.clone();
    no_issuer.as_object_mut().unwrap().remove("iss");
    let mut wrong_audience = claims.clone();
    wrong_audience["aud"] = json!(["billing-api"]);
    let mut no_audience = claims.clone();
    no_audience.as_object_mut().unwrap().remove("aud");
    for forged in [wrong_issuer, no_issuer, wrong_audience, no_audience] {
        let token = signed_with_fixture(&forged);
        assert_unauthorized(app.get_user(&token).await, "token_not_valid").await;
    }

    let (_, rest) = access.split_once('.').unwrap();
    let header = jwt_header(&access);
    for (name, value) in [
        ("alg", json!("ES256")),
        ("alg", json!("HS256")),
        ("alg", json!("none")),
        ("kid", json!("unknown-key")),
    ] {
        let mut changed = header.clone();
        changed[name] = value;
        let token = format!("{}.{rest}", encode_part(&changed));
        assert_unauthorized(app.get_user(&token).await, "token_not_valid").await;
    }
    // Algorithm confusion: HS256 keyed with the published public key.
    let (jwks, _) = jwks(&app).await;
    let mut confused = Header::new(jsonwebtoken::Algorithm::HS256);
    confused.kid = jwks["keys"][0]["kid"].as_str().map(str::to_owned);
    let public = jwks["keys"][0]["x"].as_str().unwrap();
    let token = jsonwebtoken::encode(
        &confused,
        &claims,
        &EncodingKey::from_secret(public.as_bytes()),
    )
    .unwrap();
    assert_unauthorized(app.get_user(&token).await, "token_not_valid").await;
}

#[tokio::test]
async fn a_previous_public_key_verifies_until_it_is_removed() {
    let first = app_signing_with(SigningAlgorithm::Rs256).await;
    let before = first.register_ok("ada@example.com", PASSWORD).await.tokens;
    let old_public = PrivateKey::from_pem(
        SigningAlgorithm::Rs256,
        &std::fs::read_to_string(fixture_key(SigningAlgorithm::Rs256)).unwrap(),
    )
    .unwrap()
    .public();
    let previous_file = first.dir.join("previous.pem");
    std::fs::copy(
        fixture_key(SigningAlgorithm::Rs256).with_extension("pub.pem"),
        &previous_file,
    )
    .unwrap();
    let (new_key, new_key_file) = fresh_key_file(&first.dir, SigningAlgorithm::EdDsa);

    let rotated = spawn_app_with(|config| {
        config.database_url = Some(first.database_url.clone());
        config.jwt_algorithm = SigningAlgorithm::EdDsa;
        config.jwt_private_key_file = Some(new_key_file.clone());
        config.jwt_previous_public_keys_file = Some(previous_file.clone());
    })
    .await;
    answer(rotated.get_user(&before.access).await, StatusCode::OK).await;
    let (body, _) = jwks(&rotated).await;
    let kids: Vec<_> = body["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|key| key["kid"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(kids, [new_key.public().kid(), old_public.kid()]);
    // A rotation on the new server signs with the new key.
    let moved = rotated.refresh_ok(&before.refresh).await;
    assert_eq!(jwt_header(&moved.access)["kid"], new_key.public().kid());

    let removed = spawn_app_with(|config| {
        config.database_url = Some(first.database_url.clone());
        config.jwt_algorithm = SigningAlgorithm::EdDsa;
        config.jwt_private_key_file = Some(new_key_file.clone());
    })
    .await;
    assert_unauthorized(removed.get_user(&before.access).await, "token_not_valid").await;
    answer(removed.get_user(&moved.access).await, StatusCode::OK).await;
    let (body, _) = jwks(&removed).await;
    assert_eq!(body["keys"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn hs256_tokens_verify_after_moving_to_a_key_pair_only_through_previous_secrets() {
    let hs256 = spawn_app().await;
    let before = hs256.register_ok("ada@example.com", PASSWORD).await.tokens;
    let (_, key_file) = fresh_key_file(&hs256.dir, SigningAlgorithm::Es256);
    let migrating = spawn_app_with(|config| {
        config.database_url = Some(hs256.database_url.clone());
        config.jwt_algorithm = SigningAlgorithm::Es256;
        config.jwt_private_key_file = Some(key_file.clone());
        // JWT_SECRET_KEY stays (it seals second factors); listed as previous, it verifies.
        config.jwt_previous_secret_keys = vec![SecretString::from(test_secret())];
    })
    .await;
    answer(migrating.get_user(&before.access).await, StatusCode::OK).await;
    let moved = migrating.refresh_ok(&before.refresh).await;
    assert_eq!(jwt_header(&moved.access)["alg"], "ES256");
    let (body, _) = jwks(&migrating).await;
    assert_eq!(
        body["keys"].as_array().unwrap().len(),
        1,
        "no secret in {body}"
    );

    let migrated = spawn_app_with(|config| {
        config.database_url = Some(hs256.database_url.clone());
        config.jwt_algorithm = SigningAlgorithm::Es256;
        config.jwt_private_key_file = Some(key_file.clone());
    })
    .await;
    let again = hs256.login_ok("ada@example.com", PASSWORD).await.tokens;
    assert_unauthorized(migrated.get_user(&again.access).await, "token_not_valid").await;
    answer(migrated.get_user(&moved.access).await, StatusCode::OK).await;
}

#[tokio::test]
async fn an_hs256_token_from_before_iss_existed_still_verifies() {
    let app = spawn_app().await;
    let access = app
        .register_ok("ada@example.com", PASSWORD)
        .await
        .tokens
        .access;
    let mut claims = jwt_claims(&access);
    claims.as_object_mut().unwrap().remove("iss");
    let mut header = Header::new(jsonwebtoken::Algorithm::HS256);
    header.kid = jwt_header(&access)["kid"].as_str().map(str::to_owned);
    let legacy = jsonwebtoken::encode(
        &header,
        &claims,
        &EncodingKey::from_secret(test_secret().as_bytes()),
    )
    .unwrap();
    answer(app.get_user(&legacy).await, StatusCode::OK).await;
    // With an issuer that is not ours, it is refused.
    claims["iss"] = json!("https://elsewhere.example.com");
    let foreign = jsonwebtoken::encode(
        &header,
        &claims,
        &EncodingKey::from_secret(test_secret().as_bytes()),
    )
    .unwrap();
    assert_unauthorized(app.get_user(&foreign).await, "token_not_valid").await;
}

#[tokio::test]
async fn a_development_key_is_generated_once_and_kept() {
    let dir = std::env::temp_dir().join(format!("gatehouse-dev-key-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let key_file = dir.join("dev-signing-key.pem");
    let first = spawn_app_with(|config| {
        config.jwt_algorithm = SigningAlgorithm::EdDsa;
        config.dev_signing_key_file = key_file.clone();
    })
    .await;
    let (body, _) = jwks(&first).await;
    let kept = std::fs::read_to_string(&key_file).unwrap();
    assert!(kept.starts_with("-----BEGIN PRIVATE KEY-----"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let again = spawn_app_with(|config| {
        config.jwt_algorithm = SigningAlgorithm::EdDsa;
        config.dev_signing_key_file = key_file.clone();
    })
    .await;
    assert_eq!(jwks(&again).await.0, body);
    std::fs::remove_dir_all(dir).unwrap();
}
