//! Recovery codes, shown once after they are made: to copy or download as a text file before
//! they are gone from the page (the server keeps only their hashes).

use js_sys::{Function, Promise, Reflect};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::components::Status;

/// The codes as a text file, one per line.
fn as_text(codes: &[String]) -> String {
    let mut text =
        String::from("Gatehouse recovery codes. Each works once instead of an app code.\n\n");
    for code in codes {
        text.push_str(code);
        text.push('\n');
    }
    text
}

/// `navigator.clipboard.writeText(text)`, through `Reflect` rather than `web-sys`'s Clipboard
/// bindings (one call does not earn their glue in the wasm).
async fn copy(text: &str) -> Result<(), JsValue> {
    let clipboard = Reflect::get(&window().navigator(), &"clipboard".into())?;
    let write: Function = Reflect::get(&clipboard, &"writeText".into())?.dyn_into()?;
    let pending: Promise = write.call1(&clipboard, &text.into())?.dyn_into()?;
    JsFuture::from(pending).await.map(drop)
}

#[component]
pub fn RecoveryCodes(codes: Vec<String>, done: impl Fn() + 'static) -> impl IntoView {
    let text = as_text(&codes);
    // A data: URL rather than a Blob's object URL: nothing to revoke, and no more bindings.
    let download = format!(
        "data:text/plain;charset=utf-8,{}",
        String::from(js_sys::encode_uri_component(&text))
    );
    let copied = RwSignal::new(None::<String>);
    let text = StoredValue::new(text);
    let on_copy = move |_| {
        spawn_local(async move {
            let outcome = copy(&text.get_value()).await;
            copied.set(Some(
                match outcome {
                    Ok(()) => "Copied.",
                    Err(_) => "The browser did not allow copying: download them instead.",
                }
                .into(),
            ));
        });
    };
    view! {
        <div class="recovery-codes" role="region" aria-label="Recovery codes">
            <p>
                <strong>"Save these recovery codes now."</strong>
                " They are shown only this once. Each one signs you in once if you lose your phone."
            </p>
            <ul class="codes" data-testid="recovery-codes">
                {codes.into_iter().map(|code| view! { <li><code>{code}</code></li> }).collect_view()}
            </ul>
            <Status message=copied/>
            <div class="actions">
                <button type="button" class="secondary" on:click=on_copy>"Copy"</button>
                <a class="button secondary" href=download download="gatehouse-recovery-codes.txt">"Download"</a>
                <button type="button" class="primary" on:click=move |_| done()>"I have saved them"</button>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_file_has_one_code_per_line() {
        let text = as_text(&["abcde-fghij".into(), "klmno-pqrst".into()]);
        assert!(text.ends_with("\nabcde-fghij\nklmno-pqrst\n"), "{text}");
    }
}
