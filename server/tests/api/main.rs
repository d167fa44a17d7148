//! Gatehouse's HTTP API, tested over real HTTP against a real server and a fresh SQLite file.

mod claims;
mod errors;
mod helpers;
mod login;
mod logout;
mod refresh;
mod register;
mod user;
mod verify;
