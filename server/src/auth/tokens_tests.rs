//! Unit tests of `tokens`: signing, verifying, the key ring, `iss`/`aud` and the times.

use jsonwebtoken::{EncodingKey, Header};
use secrecy::{ExposeSecret, SecretString};

use super::*;
use crate::auth::keys::{PrivateKey, PublicKey};

const ISSUER: &str = "https://auth.example.com";

const HOUR: Duration = Duration::from_secs(3_600);

fn secret(value: &str) -> SecretString {
    SecretString::from(value.to_owned())
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

fn subject() -> Subject<'static> {
    Subject {
        user_id: 7,
        email: "ada@example.com",
        email_verified: true,
        session_id: "s-1",
        amr: Amr::PasswordAndOtp,
    }
}

fn issuer(audience: Option<&str>) -> Issuer {
    Issuer {
        issuer: ISSUER.into(),
        audience: audience.map(str::to_owned),
    }
}

fn service(current: &str, previous: &[&str]) -> TokenService {
    let previous: Vec<_> = previous.iter().map(|value| secret(value)).collect();
    TokenService::new(
        KeyRing::hmac(&secret(current), &previous),
        issuer(None),
        HOUR,
        HOUR * 24,
    )
}

fn asymmetric(
    current: &PrivateKey,
    previous: &[PublicKey],
    audience: Option<&str>,
) -> TokenService {
    TokenService::new(
        KeyRing::asymmetric(current, previous, &[]),
        issuer(audience),
        HOUR,
        HOUR * 24,
    )
}

fn key(algorithm: SigningAlgorithm) -> PrivateKey {
    PrivateKey::generate(algorithm).unwrap()
}

/// Valid access claims of now, for tests that sign their own tokens.
fn access_claims() -> Claims {
    Claims {
        token_type: TokenType::Access,
        exp: now() + 600,
        iat: now(),
        nbf: now(),
        jti: new_jti(),
        user_id: 7,
        sub: "7".into(),
        email: "ada@example.com".into(),
        email_verified: false,
        sid: "s-1".into(),
        amr: vec!["pwd".into()],
        iss: Some(ISSUER.into()),
        aud: None,
    }
}

/// `claims` signed by `tokens`' own signing key, with its own header.
fn signed_by(tokens: &TokenService, claims: &Claims) -> String {
    jsonwebtoken::encode(&tokens.keys.header(), claims, &tokens.keys.signing().key).unwrap()
}

/// `token` with its header replaced by `header` (the signature kept).
fn with_header(token: &str, header: &serde_json::Value) -> String {
    use base64::Engine;
    let encoded = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(header.to_string());
    let (_, rest) = token.split_once('.').unwrap();
    format!("{encoded}.{rest}")
}

fn header_of(token: &str) -> serde_json::Value {
    serde_json::to_value(jsonwebtoken::decode_header(token).unwrap()).unwrap()
}

#[test]
fn a_pair_verifies_as_its_own_types_only() {
    let tokens = service("k".repeat(40).as_str(), &[]);
    let pair = tokens.issue_pair(subject(), now() + 86_400, now());
    let access = tokens.verify(&pair.access, TokenType::Access).unwrap();
    assert_eq!(
        (access.user_id, access.sub.as_str(), access.sid.as_str()),
        (7, "7", "s-1")
    );
    assert_eq!(access.amr, ["pwd", "otp", "mfa"]);
    assert_eq!(
        tokens
            .verify(&pair.refresh, TokenType::Refresh)
            .unwrap()
            .jti,
        pair.refresh_jti
    );
    assert_eq!(
        tokens.verify(&pair.refresh, TokenType::Access),
        Err(TokenError::WrongType)
    );
    assert_eq!(
        tokens.verify(&pair.access, TokenType::Refresh),
        Err(TokenError::WrongType)
    );
}

#[test]
fn the_access_token_never_outlives_the_session() {
    let tokens = service("k".repeat(40).as_str(), &[]);
    let issued = now();
    let pair = tokens.issue_pair(subject(), issued + 60, issued);
    let access = tokens.verify(&pair.access, TokenType::Access).unwrap();
    assert_eq!(access.exp, issued + 60);
}

#[test]
fn the_same_ids_and_times_sign_the_same_pair() {
    let tokens = service("k".repeat(40).as_str(), &[]);
    let issued = now();
    let ids = PairIds {
        access_jti: new_jti(),
        refresh_jti: new_jti(),
    };
    let first = tokens.sign_pair(subject(), ids.clone(), issued + 600, issued);
    let again = tokens.sign_pair(subject(), ids, issued + 600, issued);
    assert_eq!((first.access, first.refresh), (again.access, again.refresh));
}

#[test]
fn expired_tokens_are_reported_as_expired() {
    let tokens = service("k".repeat(40).as_str(), &[]);
    let issued = now() - 10;
    let pair = tokens.issue_pair(subject(), issued + 5, issued);
    assert_eq!(
        tokens.verify(&pair.refresh, TokenType::Refresh),
        Err(TokenError::Expired)
    );
}

#[test]
fn a_token_is_refused_from_exp_plus_the_leeway_to_the_second() {
    let leeway = LEEWAY_SECS as i64;
    let claims = |exp: i64, nbf: i64| Claims {
        exp,
        iat: nbf,
        nbf,
        ..access_claims()
    };
    let (issued, exp) = (1_000, 1_060);
    let token = claims(exp, issued);
    assert_eq!(check_times(&token, exp - 1), Ok(()));
    assert_eq!(check_times(&token, exp), Ok(()), "within the leeway");
    assert_eq!(check_times(&token, exp + leeway - 1), Ok(()));
    assert_eq!(check_times(&token, exp + leeway), Err(TokenError::Expired));
    assert_eq!(
        check_times(&token, exp + leeway + 1),
        Err(TokenError::Expired)
    );
    // nbf the other way: accepted from nbf - L on.
    assert_eq!(check_times(&token, issued - leeway), Ok(()));
    assert_eq!(
        check_times(&token, issued - leeway - 1),
        Err(TokenError::Invalid)
    );
}

#[test]
fn a_signed_token_at_exp_plus_the_leeway_is_expired() {
    let tokens = service("k".repeat(40).as_str(), &[]);
    let leeway = LEEWAY_SECS as i64;
    let issued = now() - 100;
    let at_boundary = tokens.issue_pair(subject(), now() - leeway, issued);
    assert_eq!(
        tokens.verify(&at_boundary.refresh, TokenType::Refresh),
        Err(TokenError::Expired)
    );
    let inside = tokens.issue_pair(subject(), now() - leeway + 2, issued);
    assert!(tokens.verify(&inside.refresh, TokenType::Refresh).is_ok());
}

#[test]
fn previous_keys_verify_and_forgotten_keys_do_not() {
    let old = service("old-".repeat(10).as_str(), &[]);
    let pair = old.issue_pair(subject(), now() + 600, now());
    let rotated = service("new-".repeat(10).as_str(), &["old-".repeat(10).as_str()]);
    assert!(rotated.verify(&pair.access, TokenType::Access).is_ok());
    let forgotten = service("new-".repeat(10).as_str(), &[]);
    assert_eq!(
        forgotten.verify(&pair.access, TokenType::Access),
        Err(TokenError::Invalid)
    );
}

#[test]
fn unsigned_and_foreign_tokens_are_invalid() {
    let tokens = service("k".repeat(40).as_str(), &[]);
    let pair = tokens.issue_pair(subject(), now() + 600, now());
    let payload = pair.access.split('.').nth(1).unwrap();
    let alg_none = format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{payload}.");
    assert_eq!(
        tokens.verify(&alg_none, TokenType::Access),
        Err(TokenError::Invalid)
    );
    assert_eq!(
        tokens.verify("not.a.jwt", TokenType::Access),
        Err(TokenError::Invalid)
    );
    let other = service("o".repeat(40).as_str(), &[]);
    let foreign = other.issue_pair(subject(), now() + 600, now());
    assert_eq!(
        tokens.verify(&foreign.access, TokenType::Access),
        Err(TokenError::Invalid)
    );
}

#[test]
fn each_algorithm_signs_and_verifies_naming_its_key_by_thumbprint() {
    for algorithm in [
        SigningAlgorithm::EdDsa,
        SigningAlgorithm::Es256,
        SigningAlgorithm::Rs256,
    ] {
        let current = key(algorithm);
        let tokens = asymmetric(&current, &[], None);
        let pair = tokens.issue_pair(subject(), now() + 600, now());
        let header = header_of(&pair.access);
        assert_eq!(header["alg"], algorithm.name());
        assert_eq!(header["kid"], current.public().kid());
        let claims = tokens.verify(&pair.access, TokenType::Access).unwrap();
        assert_eq!(claims.iss.as_deref(), Some(ISSUER));
        assert!(tokens.verify(&pair.refresh, TokenType::Refresh).is_ok());
        let published = tokens.published_keys();
        assert_eq!(published.len(), 1);
        assert_eq!(published[0].kid, current.public().kid());
        assert_eq!(published[0].alg, algorithm.name());
    }
}

#[test]
fn a_swapped_alg_is_refused() {
    let current = key(SigningAlgorithm::Es256);
    let tokens = asymmetric(&current, &[], None);
    let token = tokens.issue_pair(subject(), now() + 600, now()).access;
    for alg in ["ES384", "EdDSA", "RS256", "HS256", "none"] {
        let mut header = header_of(&token);
        header["alg"] = alg.into();
        assert_eq!(
            tokens.verify(&with_header(&token, &header), TokenType::Access),
            Err(TokenError::Invalid),
            "{alg}"
        );
    }
    // Algorithm confusion (RFC 8725 §2.1): HMAC keyed with the public key's bytes, naming it.
    let public = current.public().jwk();
    let mut header = Header::new(jsonwebtoken::Algorithm::HS256);
    header.kid = Some(public.kid.clone());
    for secret in [
        public.x.clone().unwrap(),
        serde_json::to_string(&public).unwrap(),
    ] {
        let forged = jsonwebtoken::encode(
            &header,
            &access_claims(),
            &EncodingKey::from_secret(secret.as_bytes()),
        )
        .unwrap();
        assert_eq!(
            tokens.verify(&forged, TokenType::Access),
            Err(TokenError::Invalid)
        );
    }
}

#[test]
fn an_unknown_or_missing_kid_is_refused() {
    let tokens = asymmetric(&key(SigningAlgorithm::EdDsa), &[], None);
    let token = tokens.issue_pair(subject(), now() + 600, now()).access;
    let mut header = header_of(&token);
    header["kid"] = "not-a-key-of-ours".into();
    assert_eq!(
        tokens.verify(&with_header(&token, &header), TokenType::Access),
        Err(TokenError::Invalid)
    );
    header.as_object_mut().unwrap().remove("kid");
    assert_eq!(
        tokens.verify(&with_header(&token, &header), TokenType::Access),
        Err(TokenError::Invalid)
    );
    // Another key's token naming our kid: the signature fails.
    let other = asymmetric(&key(SigningAlgorithm::EdDsa), &[], None);
    let foreign = other.issue_pair(subject(), now() + 600, now()).access;
    let mut header = header_of(&foreign);
    header["kid"] = tokens.keys.signing().kid.clone().into();
    assert_eq!(
        tokens.verify(&with_header(&foreign, &header), TokenType::Access),
        Err(TokenError::Invalid)
    );
}

#[test]
fn a_wrong_or_missing_issuer_or_audience_is_refused() {
    let tokens = asymmetric(&key(SigningAlgorithm::EdDsa), &[], Some("api"));
    let pair = tokens.issue_pair(subject(), now() + 600, now());
    let claims = tokens.verify(&pair.access, TokenType::Access).unwrap();
    assert_eq!(claims.aud, Some(Audience::One("api".into())));

    let refused = |claims: Claims| tokens.verify(&signed_by(&tokens, &claims), TokenType::Access);
    let right = Claims {
        aud: Some(Audience::One("api".into())),
        ..access_claims()
    };
    assert!(refused(right.clone()).is_ok());
    let among_others = Claims {
        aud: Some(Audience::Many(vec!["other".into(), "api".into()])),
        ..right.clone()
    };
    assert!(refused(among_others).is_ok());
    for wrong in [
        Claims {
            iss: Some("https://evil.example.com".into()),
            ..right.clone()
        },
        Claims {
            iss: None,
            ..right.clone()
        },
        Claims {
            aud: Some(Audience::One("other".into())),
            ..right.clone()
        },
        Claims {
            aud: None,
            ..right.clone()
        },
    ] {
        assert_eq!(
            refused(wrong.clone()),
            Err(TokenError::Invalid),
            "{wrong:?}"
        );
    }
    // Without an audience configured, a token meant for one is not for us.
    let no_audience = asymmetric(&key(SigningAlgorithm::EdDsa), &[], None);
    let meant_for_api = signed_by(&no_audience, &right);
    assert_eq!(
        no_audience.verify(&meant_for_api, TokenType::Access),
        Err(TokenError::Invalid)
    );
}

#[test]
fn previous_public_keys_verify_and_removed_ones_do_not() {
    let old = key(SigningAlgorithm::Rs256);
    let before = asymmetric(&old, &[], None).issue_pair(subject(), now() + 600, now());
    let new = key(SigningAlgorithm::EdDsa);
    let rotated = asymmetric(&new, &[old.public()], None);
    assert!(rotated.verify(&before.access, TokenType::Access).is_ok());
    let kids: Vec<_> = rotated
        .published_keys()
        .iter()
        .map(|jwk| jwk.kid.clone())
        .collect();
    assert_eq!(kids, [new.public().kid(), old.public().kid()]);
    let removed = asymmetric(&new, &[], None);
    assert_eq!(
        removed.verify(&before.access, TokenType::Access),
        Err(TokenError::Invalid)
    );
}

#[test]
fn hmac_tokens_verify_under_a_key_pair_only_with_a_previous_secret() {
    let shared = secret(&"old-".repeat(10));
    let before = service(shared.expose_secret(), &[]).issue_pair(subject(), now() + 600, now());
    let current = key(SigningAlgorithm::EdDsa);
    let migrating = TokenService::new(
        KeyRing::asymmetric(&current, &[], std::slice::from_ref(&shared)),
        issuer(None),
        HOUR,
        HOUR * 24,
    );
    assert!(migrating.verify(&before.access, TokenType::Access).is_ok());
    assert!(
        migrating
            .published_keys()
            .iter()
            .all(|jwk| jwk.kty != "oct")
    );
    let migrated = asymmetric(&current, &[], None);
    assert_eq!(
        migrated.verify(&before.access, TokenType::Access),
        Err(TokenError::Invalid)
    );
}

#[test]
fn an_hmac_token_without_iss_verifies_only_if_issued_before_the_rollout_window_closed() {
    let mut tokens = service("k".repeat(40).as_str(), &[]);
    let legacy = Claims {
        iss: None,
        ..access_claims()
    };
    let token = signed_by(&tokens, &legacy);
    assert!(tokens.verify(&token, TokenType::Access).is_ok());
    tokens.legacy_until = legacy.iat;
    assert_eq!(
        tokens.verify(&token, TokenType::Access),
        Err(TokenError::Invalid)
    );
    // A key pair's token always names its issuer.
    let asymmetric = asymmetric(&key(SigningAlgorithm::Es256), &[], None);
    let token = signed_by(&asymmetric, &legacy);
    assert_eq!(
        asymmetric.verify(&token, TokenType::Access),
        Err(TokenError::Invalid)
    );
}
