//! `/api/openapi.json`: an OpenAPI 3 description that covers every route the server answers,
//! and nothing it does not; that requires exactly the fields the server requires; and that
//! describes every answer an operation gives, headers and body. (`make contract` checks the
//! same with schemathesis, against generated requests.)

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, send_as, sid, spawn_app_with};
use gatehouse::Rate;

/// Every route the API serves: the SPEC's contract, its aliases, and Gatehouse's own.
const ROUTES: [(&str, &str); 46] = [
    ("post", "/api/register"),
    ("post", "/api/login"),
    ("post", "/api/login/mfa"),
    ("post", "/api/auth/login"),
    ("post", "/api/token"),
    ("post", "/api/token/refresh"),
    ("post", "/api/auth/refresh"),
    ("post", "/api/token/verify"),
    ("post", "/api/logout"),
    ("post", "/api/auth/logout"),
    ("post", "/api/token/blacklist"),
    ("get", "/api/user"),
    ("patch", "/api/user"),
    ("delete", "/api/user"),
    ("get", "/api/user/export"),
    ("get", "/api/sessions"),
    ("delete", "/api/sessions/{id}"),
    ("post", "/api/password/change"),
    ("post", "/api/password/reset"),
    ("post", "/api/password/reset/confirm"),
    ("post", "/api/email/verify"),
    ("post", "/api/email/verify/resend"),
    ("post", "/api/email/change"),
    ("post", "/api/email/change/confirm"),
    ("get", "/api/mfa"),
    ("post", "/api/mfa/totp"),
    ("delete", "/api/mfa/totp"),
    ("post", "/api/mfa/totp/confirm"),
    ("post", "/api/mfa/recovery-codes"),
    ("post", "/api/passkeys/register/begin"),
    ("post", "/api/passkeys/register/finish"),
    ("post", "/api/passkeys/login/begin"),
    ("post", "/api/passkeys/login/finish"),
    ("patch", "/api/passkeys/{id}"),
    ("delete", "/api/passkeys/{id}"),
    ("get", "/api/openapi.json"),
    ("get", "/healthz"),
    ("get", "/readyz"),
    ("get", "/metrics"),
    ("get", "/.well-known/jwks.json"),
    ("get", "/api/revocations/stream"),
    ("get", "/api/admin/users"),
    ("get", "/api/admin/users/{id}"),
    ("patch", "/api/admin/users/{id}"),
    ("post", "/api/admin/users/{id}/logout"),
    ("get", "/api/admin/events"),
];

async fn document() -> (crate::helpers::TestApp, Value) {
    let app = crate::passkeys::passkey_app().await;
    let response = app.get("/api/openapi.json").await;
    assert_eq!(response.status(), StatusCode::OK);
    let document: Value = response.json().await.unwrap();
    (app, document)
}

/// Every (method, path) the document describes.
fn operations(document: &Value) -> Vec<(String, String)> {
    let mut operations = Vec::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for method in ["get", "post", "put", "patch", "delete"] {
            if item.get(method).is_some() {
                operations.push((method.to_owned(), path.clone()));
            }
        }
    }
    operations.sort();
    operations
}

#[tokio::test]
async fn the_description_lists_exactly_the_routes_served() {
    let (_, document) = document().await;
    assert!(document["openapi"].as_str().unwrap().starts_with('3'));
    let mut expected: Vec<(String, String)> = ROUTES
        .iter()
        .map(|(method, path)| (method.to_string(), path.to_string()))
        .collect();
    expected.sort();

    assert_eq!(operations(&document), expected);
    // Request and answer bodies are described, and the bearer scheme is declared.
    let login = &document["paths"]["/api/login"]["post"];
    assert!(login["requestBody"].is_object(), "{login}");
    assert!(login["responses"]["401"].is_object(), "{login}");
    for limited in [
        "/api/login",
        "/api/register",
        "/api/token/refresh",
        "/api/password/change",
    ] {
        let responses = &document["paths"][limited]["post"]["responses"];
        assert!(responses["429"].is_object(), "{limited}: {responses}");
    }
    assert_eq!(
        document["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    assert!(document["components"]["schemas"]["AuthResponse"].is_object());
}

#[tokio::test]
async fn every_described_operation_is_answered_by_its_handler() {
    let (app, document) = document().await;
    let tokens = app.register_ok("ada@example.com", PASSWORD).await.tokens;
    let own_session = sid(&app
        .login_ok("ada@example.com", PASSWORD)
        .await
        .tokens
        .refresh);

    let mut authenticator = crate::passkeys::SoftAuthenticator::new(crate::passkeys::ORIGIN);
    let passkey =
        crate::passkeys::register_passkey(&app, &tokens.access, &mut authenticator, None).await;
    let own_passkey = passkey["id"].as_str().unwrap();

    for (method, path) in operations(&document) {
        let id = match path.starts_with("/api/passkeys/") {
            true => own_passkey,
            false => own_session.as_str(),
        };
        let url = app.url(&path.replace("{id}", id));
        let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let request = app.client.request(method.clone(), url).json(&json!({}));
        let response = send_as(request, Some(&tokens.access)).await;
        let status = response.status();
        let body = response.text().await.unwrap();
        // The router's own fallbacks answer 404 "Not found." and 405: a handler answers
        // anything else (here mostly 400 for the empty body, or success).
        assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        assert!(
            !(status == StatusCode::NOT_FOUND && body.contains("Not found.")),
            "{method} {path} is not routed"
        );
    }
}

/// Each request body, an operation taking it, and the fields the server requires in it.
const REQUEST_BODIES: [(&str, &str, &str, &[&str]); 13] = [
    (
        "RegisterRequest",
        "post",
        "/api/register",
        &["email", "password", "password2", "username"],
    ),
    ("LoginRequest", "post", "/api/login", &["email", "password"]),
    ("RefreshRequest", "post", "/api/token/refresh", &["refresh"]),
    ("VerifyRequest", "post", "/api/token/verify", &["token"]),
    ("LogoutRequest", "post", "/api/logout", &["refresh"]),
    (
        "PasswordChangeRequest",
        "post",
        "/api/password/change",
        &["current_password", "new_password", "new_password2"],
    ),
    ("UpdateUserRequest", "patch", "/api/user", &[]),
    (
        "TotpConfirmRequest",
        "post",
        "/api/mfa/totp/confirm",
        &["code"],
    ),
    ("PasswordRequest", "delete", "/api/mfa/totp", &["password"]),
    ("PasswordRequest", "delete", "/api/user", &["password"]),
    (
        "PasskeyRegisterRequest",
        "post",
        "/api/passkeys/register/finish",
        &["challenge_id", "credential"],
    ),
    (
        "PasskeyLoginRequest",
        "post",
        "/api/passkeys/login/finish",
        &["challenge_id", "credential"],
    ),
    (
        "PasskeyRenameRequest",
        "patch",
        "/api/passkeys/{id}",
        &["name"],
    ),
];

/// The operations behind `Authorization: Bearer <access>`, and the rate-limited ones.
const BEARER: [(&str, &str); 24] = [
    ("get", "/api/user"),
    ("patch", "/api/user"),
    ("delete", "/api/user"),
    ("get", "/api/user/export"),
    ("get", "/api/admin/users"),
    ("get", "/api/admin/users/{id}"),
    ("patch", "/api/admin/users/{id}"),
    ("post", "/api/admin/users/{id}/logout"),
    ("get", "/api/admin/events"),
    ("get", "/api/sessions"),
    ("delete", "/api/sessions/{id}"),
    ("post", "/api/password/change"),
    ("post", "/api/email/change"),
    ("get", "/api/mfa"),
    ("post", "/api/mfa/totp"),
    ("delete", "/api/mfa/totp"),
    ("post", "/api/mfa/totp/confirm"),
    ("post", "/api/mfa/recovery-codes"),
    ("post", "/api/passkeys/register/begin"),
    ("post", "/api/passkeys/register/finish"),
    ("patch", "/api/passkeys/{id}"),
    ("delete", "/api/passkeys/{id}"),
    ("get", "/metrics"),
    ("get", "/api/revocations/stream"),
];
const RATE_LIMITED: [&str; 21] = [
    "/api/register",
    "/api/login",
    "/api/login/mfa",
    "/api/auth/login",
    "/api/token",
    "/api/token/refresh",
    "/api/auth/refresh",
    "/api/password/change",
    "/api/password/reset",
    "/api/password/reset/confirm",
    "/api/email/verify",
    "/api/email/verify/resend",
    "/api/email/change",
    "/api/email/change/confirm",
    "/api/mfa/totp",
    "/api/mfa/totp/confirm",
    "/api/mfa/recovery-codes",
    "/api/passkeys/register/begin",
    "/api/passkeys/register/finish",
    "/api/passkeys/login/begin",
    "/api/passkeys/login/finish",
];

/// Rate-limited operations on a path whose other operations are not.
const RATE_LIMITED_OPERATIONS: [(&str, &str); 1] = [("delete", "/api/user")];

/// `$ref` → what it names in the document.
fn resolve<'a>(document: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let target = reference
                .strip_prefix('#')
                .and_then(|pointer| document.pointer(pointer))
                .unwrap_or_else(|| panic!("{reference} names nothing in the document"));
            resolve(document, target)
        }
        None => value,
    }
}

/// Whether `value` is valid against `schema`, for the parts of JSON Schema the document uses
/// (`$ref`, `oneOf`, `type`, `enum`, `required`, `properties`, `additionalProperties`,
/// `items`, `minLength`, `maxLength`).
fn validate(document: &Value, schema: &Value, value: &Value) -> Result<(), String> {
    let schema = resolve(document, schema);
    if let Some(branches) = schema.get("oneOf").and_then(Value::as_array) {
        let matching = branches
            .iter()
            .filter(|branch| validate(document, branch, value).is_ok())
            .count();
        if matching != 1 {
            return Err(format!("{value} matches {matching} branches of {schema}"));
        }
    }
    if let Some(types) = schema.get("type") {
        let types: Vec<&str> = match types {
            Value::String(one) => vec![one.as_str()],
            Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
            _ => panic!("a type is a string or a list: {schema}"),
        };
        let actual = match value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(number) if number.is_i64() || number.is_u64() => "integer",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        };
        let fits = types.contains(&actual) || actual == "integer" && types.contains(&"number");
        if !fits {
            return Err(format!("{value} is not of type {types:?}"));
        }
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array)
        && !values.contains(value)
    {
        return Err(format!("{value} is not one of {values:?}"));
    }
    if let Value::String(text) = value {
        let chars = text.chars().count() as u64;
        if schema
            .get("minLength")
            .and_then(Value::as_u64)
            .is_some_and(|min| chars < min)
            || schema
                .get("maxLength")
                .and_then(Value::as_u64)
                .is_some_and(|max| chars > max)
        {
            return Err(format!("{value} has the wrong length for {schema}"));
        }
    }
    if let (Value::Array(items), Some(item_schema)) = (value, schema.get("items")) {
        for item in items {
            validate(document, item_schema, item)?;
        }
    }
    if let Value::Object(object) = value {
        for required in schema["required"].as_array().into_iter().flatten() {
            let name = required.as_str().expect("required names are strings");
            if !object.contains_key(name) {
                return Err(format!("{value} lacks the required {name}"));
            }
        }
        let properties = schema.get("properties").and_then(Value::as_object);
        for (name, property) in object {
            match properties.and_then(|properties| properties.get(name)) {
                Some(property_schema) => validate(document, property_schema, property)?,
                None => match schema.get("additionalProperties") {
                    Some(Value::Bool(false)) => {
                        return Err(format!("{name} is not allowed in {value}"));
                    }
                    Some(extra) if extra.is_object() => validate(document, extra, property)?,
                    _ => {}
                },
            }
        }
    }
    Ok(())
}

/// The operation `method path` of the document.
fn operation<'a>(document: &'a Value, method: &str, path: &str) -> &'a Value {
    let operation = &document["paths"][path][method];
    assert!(operation.is_object(), "{method} {path} is not described");
    operation
}

/// The described answer `status` of `method path`.
fn described<'a>(document: &'a Value, method: &str, path: &str, status: u16) -> &'a Value {
    let response = &operation(document, method, path)["responses"][status.to_string()];
    assert!(
        response.is_object(),
        "{method} {path} does not describe its {status}"
    );
    resolve(document, response)
}

#[tokio::test]
async fn request_bodies_require_what_the_server_requires_and_never_null() {
    let (app, document) = document().await;
    let access = app
        .register_ok("ada@example.com", PASSWORD)
        .await
        .tokens
        .access;

    for (name, method, path, required) in REQUEST_BODIES {
        let schema = &document["components"]["schemas"][name];
        let mut described: Vec<&str> = schema["required"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|name| name.as_str().unwrap())
            .collect();
        described.sort_unstable();
        assert_eq!(described, required, "{name}: {schema}");
        for field in required {
            let property = &schema["properties"][field];
            if *field == "credential" {
                // A WebAuthn response: a JSON object the server reads as WebAuthn L2 says.
                assert_eq!(property["type"], "object", "{name}.{field}: {property}");
                continue;
            }
            // A required field is a non-blank string: null is refused like a missing field.
            assert_eq!(property["type"], "string", "{name}.{field}: {property}");
            assert_eq!(
                property["minLength"].as_u64().map(|min| min >= 1),
                Some(true)
            );
            assert_eq!(property["pattern"], "\\S", "{name}.{field}: {property}");
        }
        let body = operation(&document, method, path)["requestBody"].clone();
        assert_eq!(body["required"], true, "{method} {path}");
        assert_eq!(
            resolve(&document, &body["content"]["application/json"]["schema"]),
            schema,
            "{method} {path}"
        );

        // The server refuses `{}` naming exactly those fields, each "This field is required.".
        let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let request = app.client.request(method, app.url(path)).json(&json!({}));
        let response = send_as(request, Some(&access)).await;
        if required.is_empty() {
            assert_eq!(response.status(), StatusCode::OK, "{path}");
            continue;
        }
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{path}");
        let errors: Value = response.json().await.unwrap();
        let expected: serde_json::Map<String, Value> = required
            .iter()
            .map(|field| (field.to_string(), json!(["This field is required."])))
            .collect();
        assert_eq!(errors, Value::Object(expected), "{path}");
    }
}

#[tokio::test]
async fn every_operation_describes_every_answer_it_can_give() {
    let (_, document) = document().await;

    for (method, path) in operations(&document) {
        let operation = operation(&document, &method, &path);
        let responses = operation["responses"].as_object().unwrap();
        // The middleware in front of every route.
        for status in ["431", "500"] {
            assert!(responses.contains_key(status), "{method} {path}: {status}");
        }
        if operation.get("requestBody").is_some() {
            for status in ["400", "413", "415"] {
                assert!(responses.contains_key(status), "{method} {path}: {status}");
            }
        }
        let secured = BEARER.contains(&(method.as_str(), path.as_str()));
        assert_eq!(
            operation.get("security").is_some(),
            secured,
            "{method} {path}: {operation}"
        );
        if secured {
            let unauthorized = described(&document, &method, &path, 401);
            assert!(
                unauthorized["headers"]["WWW-Authenticate"].is_object(),
                "{method} {path}: {unauthorized}"
            );
        }
        let limited = RATE_LIMITED.contains(&path.as_str())
            || RATE_LIMITED_OPERATIONS.contains(&(method.as_str(), path.as_str()));
        assert_eq!(responses.contains_key("429"), limited, "{method} {path}");
        for status in ["429", "503"] {
            if responses.contains_key(status) {
                let answer = described(&document, &method, &path, status.parse().unwrap());
                assert!(
                    answer["headers"]["Retry-After"].is_object(),
                    "{method} {path}: {status} {answer}"
                );
            }
        }
        // Every answer with a body describes it.
        for (status, response) in responses {
            let response = resolve(&document, response);
            if status == "204" || status == "205" {
                assert!(
                    response.get("content").is_none(),
                    "{method} {path} {status}"
                );
                continue;
            }
            let content = response["content"].as_object();
            let schema = content
                .and_then(|content| content.values().next())
                .map(|media| &media["schema"]);
            assert!(
                schema.is_some_and(Value::is_object),
                "{method} {path} {status}: no body described in {response}"
            );
        }
    }
}

/// Checks a real answer against its description: the status is described, every described
/// header is sent, and the body is valid against the described schema.
async fn assert_as_described(
    document: &Value,
    (method, path): (&str, &str),
    response: reqwest::Response,
    status: u16,
) {
    assert_eq!(response.status().as_u16(), status, "{method} {path}");
    let headers = response.headers().clone();
    let body: Value = response.json().await.expect("a JSON body");
    let described = described(document, method, path, status);
    for header in described["headers"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, _)| name)
    {
        assert!(
            headers.contains_key(header.as_str()),
            "{method} {path} {status}: no {header}"
        );
    }
    let schema = &described["content"]["application/json"]["schema"];
    if let Err(problem) = validate(document, schema, &body) {
        panic!("{method} {path} {status}: {problem}");
    }
}

#[tokio::test]
async fn error_answers_are_as_described() {
    let (app, document) = document().await;
    let tokens = app.register_ok("ada@example.com", PASSWORD).await.tokens;
    let access = tokens.access;
    let post = |path: &str| app.client.post(app.url(path));
    let login = ("post", "/api/login");

    let cases: Vec<((&str, &str), reqwest::RequestBuilder, u16)> = vec![
        (
            ("post", "/api/register"),
            post("/api/register").json(&json!({ "email": "not an address" })),
            400,
        ),
        (login, post("/api/login").json(&json!([])), 400),
        (login, post("/api/login").json(&json!("text")), 400),
        (
            login,
            post("/api/login")
                .header(CONTENT_TYPE, "application/json")
                .body("{\"email\": "),
            400,
        ),
        (
            login,
            post("/api/login").json(&json!({ "email": "ada@example.com", "password": "wrong" })),
            401,
        ),
        (
            login,
            post("/api/login").json(&json!({ "email": "a".repeat(17 * 1024) })),
            413,
        ),
        (
            login,
            post("/api/login")
                .header(CONTENT_TYPE, "text/plain")
                .body("{}"),
            415,
        ),
        (
            login,
            post("/api/login")
                .header(AUTHORIZATION, format!("Bearer {}", "a".repeat(9 * 1024)))
                .json(&json!({})),
            431,
        ),
        (
            ("post", "/api/token/refresh"),
            post("/api/token/refresh").json(&json!({ "refresh": "not a token" })),
            401,
        ),
        (
            ("get", "/api/user"),
            app.client.get(app.url("/api/user")),
            401,
        ),
        (
            ("get", "/api/user"),
            app.client.get(app.url("/api/user")).bearer_auth("garbage"),
            401,
        ),
        (
            ("patch", "/api/user"),
            app.client
                .patch(app.url("/api/user"))
                .bearer_auth(&access)
                .json(&json!({ "first_name": "x".repeat(151) })),
            400,
        ),
        // A body the schema forbids is refused, even where every field is optional.
        (
            ("patch", "/api/user"),
            app.client
                .patch(app.url("/api/user"))
                .bearer_auth(&access)
                .json(&json!(["Ada", "Lovelace"])),
            400,
        ),
        (
            ("patch", "/api/user"),
            app.client
                .patch(app.url("/api/user"))
                .bearer_auth(&access)
                .json(&json!([])),
            400,
        ),
        (
            ("post", "/api/logout"),
            post("/api/logout").json(&json!({ "refresh": tokens.refresh, "scope": "" })),
            400,
        ),
        (
            ("delete", "/api/sessions/{id}"),
            app.client
                .delete(app.url("/api/sessions/no-such-session"))
                .bearer_auth(&access),
            404,
        ),
    ];
    for (operation, request, status) in cases {
        let response = request.send().await.unwrap();
        assert_as_described(&document, operation, response, status).await;
    }
}

#[tokio::test]
async fn second_factor_answers_are_as_described() {
    let (app, document) = document().await;
    let user = crate::mfa::user_with_totp(&app, "ada@example.com").await;
    let credentials = json!({ "email": "ada@example.com", "password": PASSWORD });
    for path in ["/api/login", "/api/auth/login", "/api/token"] {
        let response = app.post_json(path, &credentials).await;
        assert_as_described(&document, ("post", path), response, 403).await;
    }
    let second = ("post", "/api/login/mfa");
    let mfa_token = crate::mfa::password_step(&app, "/api/login/", "ada@example.com").await;
    let wrong = crate::mfa::second_step(&app, &mfa_token, "code", "000000").await;
    assert_as_described(&document, second, wrong, 401).await;
    let unknown = crate::mfa::second_step(&app, "unknown", "code", "000000").await;
    assert_as_described(&document, second, unknown, 401).await;
    let missing = app.post_json("/api/login/mfa", &json!({})).await;
    assert_as_described(&document, second, missing, 400).await;
    let code = &user.recovery_codes[0];
    let signed_in = crate::mfa::second_step(&app, &mfa_token, "recovery_code", code).await;
    assert_as_described(&document, second, signed_in, 200).await;

    let bearer = |request: reqwest::RequestBuilder| request.bearer_auth(&user.access);
    let cases: Vec<((&str, &str), reqwest::RequestBuilder, u16)> = vec![
        (
            ("get", "/api/mfa"),
            bearer(app.client.get(app.url("/api/mfa"))),
            200,
        ),
        (
            ("post", "/api/mfa/totp"),
            bearer(app.client.post(app.url("/api/mfa/totp"))),
            400,
        ),
        (
            ("post", "/api/mfa/totp/confirm"),
            bearer(app.client.post(app.url("/api/mfa/totp/confirm"))).json(&json!({})),
            400,
        ),
        (
            ("post", "/api/mfa/recovery-codes"),
            bearer(app.client.post(app.url("/api/mfa/recovery-codes")))
                .json(&json!({ "password": PASSWORD })),
            200,
        ),
        (
            ("delete", "/api/mfa/totp"),
            bearer(app.client.delete(app.url("/api/mfa/totp"))).json(&json!({ "password": "x" })),
            400,
        ),
        (
            ("post", "/api/mfa/totp"),
            app.client.post(app.url("/api/mfa/totp")),
            401,
        ),
    ];
    for (operation, request, status) in cases {
        let response = request.send().await.unwrap();
        assert_as_described(&document, operation, response, status).await;
    }

    // The other 403 of a sign-in fits the same description.
    let strict = spawn_app_with(|config| {
        config.email_verification = gatehouse::Verification::Mandatory;
    })
    .await;
    let created = strict.register("bob@example.com", PASSWORD).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let unverified = strict.login("bob@example.com", PASSWORD).await;
    assert_as_described(&document, ("post", "/api/login"), unverified, 403).await;
}

#[tokio::test]
async fn throttled_answers_are_as_described() {
    let (_, document) = document().await;
    let app = spawn_app_with(|config| {
        config.rate_limit_enabled = true;
        config.rate_limit_per_ip = Rate::parse("1/min").unwrap();
        config.rate_limit_per_account = Rate::parse("100/min").unwrap();
    })
    .await;

    // The second attempt from one address within the minute is over the budget.
    for (path, body) in [
        (
            "/api/login",
            json!({ "email": "ada@example.com", "password": "wrong" }),
        ),
        ("/api/register", json!({ "email": "bob@example.com" })),
    ] {
        let first = app.post_json(path, &body).await.status();
        assert!(first.is_client_error() && first != 429, "{path}: {first}");
        let second = app.post_json(path, &body).await;
        assert_as_described(&document, ("post", path), second, 429).await;
    }
}

#[tokio::test]
async fn the_checker_refuses_what_a_description_forbids() {
    let (_, document) = document().await;
    let schema = |name: &str| json!({ "$ref": format!("#/components/schemas/{name}") });

    assert!(
        validate(
            &document,
            &schema("BadRequestBody"),
            &json!({ "detail": "x" })
        )
        .is_ok()
    );
    assert!(validate(&document, &schema("BadRequestBody"), &json!({ "a": ["x"] })).is_ok());
    assert!(validate(&document, &schema("BadRequestBody"), &json!({ "a": "x" })).is_err());
    assert!(validate(&document, &schema("BadRequestBody"), &json!([])).is_err());
    let unauthorized = json!({ "detail": "x", "code": "token_expired" });
    assert!(validate(&document, &schema("AuthError"), &unauthorized).is_ok());
    let unknown_code = json!({ "detail": "x", "code": "nope" });
    assert!(validate(&document, &schema("AuthError"), &unknown_code).is_err());
    assert!(validate(&document, &schema("AuthError"), &json!({ "detail": "x" })).is_err());
    let long_name = json!({ "first_name": "x".repeat(151) });
    assert!(validate(&document, &schema("UpdateUserRequest"), &long_name).is_err());
}

#[tokio::test]
async fn the_jwks_of_each_algorithm_is_as_described() {
    use gatehouse::keys::SigningAlgorithm;
    let (_, document) = document().await;
    for algorithm in [
        SigningAlgorithm::EdDsa,
        SigningAlgorithm::Es256,
        SigningAlgorithm::Rs256,
    ] {
        let app = spawn_app_with(|config| {
            config.jwt_algorithm = algorithm;
            config.jwt_private_key_file = Some(crate::signing_keys::fixture_key(algorithm));
        })
        .await;
        let response = app.get("/.well-known/jwks.json").await;
        assert_as_described(&document, ("get", "/.well-known/jwks.json"), response, 200).await;
    }
}
