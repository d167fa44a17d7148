//! The probes: `/healthz` and `/readyz`.

use reqwest::StatusCode;

use crate::helpers::{answer, spawn_app};

#[tokio::test]
async fn the_process_reports_healthy() {
    let app = spawn_app().await;
    let health = answer(app.get("/healthz").await, StatusCode::OK).await;
    assert_eq!(health.body["status"], "ok");
}

#[tokio::test]
async fn a_server_with_its_database_reports_ready() {
    let app = spawn_app().await;
    let ready = answer(app.get("/readyz").await, StatusCode::OK).await;
    assert_eq!(ready.body["status"], "ready");
}
