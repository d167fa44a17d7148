//! Gatehouse's HTTP API, tested over real HTTP against a real server and a fresh SQLite file.

mod claims;
mod commands;
mod errors;
mod expiry;
mod forged;
mod helpers;
mod keys;
mod login;
mod logout;
mod password;
mod refresh;
mod register;
mod revocation;
mod rotation;
mod sessions;
mod user;
mod verify;
