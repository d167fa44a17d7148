//! A parser of `text/event-stream` (WHATWG HTML §9.2.6) for the revocation stream: bytes in,
//! events (`id`, `data`) out; comment lines (heartbeats) and other fields are skipped.

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Event {
    /// The `id` field, if the event had one.
    pub(crate) id: Option<String>,
    /// The `data` lines, joined by `\n`.
    pub(crate) data: String,
}

/// Bytes received but not yet a whole line, and the event being read.
#[derive(Default)]
pub(crate) struct Parser {
    pending: Vec<u8>,
    id: Option<String>,
    data: Option<String>,
}

impl Parser {
    /// Feeds `bytes`, returning the events they complete.
    pub(crate) fn feed(&mut self, bytes: &[u8]) -> Vec<Event> {
        self.pending.extend_from_slice(bytes);
        let mut events = Vec::new();
        while let Some(end) = self.pending.iter().position(|&byte| byte == b'\n') {
            let line: Vec<u8> = self.pending.drain(..=end).collect();
            let line = String::from_utf8_lossy(&line);
            let line = line.trim_end_matches('\n').trim_end_matches('\r');
            if let Some(event) = self.line(line) {
                events.push(event);
            }
        }
        events
    }

    fn line(&mut self, line: &str) -> Option<Event> {
        if line.is_empty() {
            // A blank line dispatches the event; one without data is none (§9.2.6).
            let id = self.id.take();
            return self.data.take().map(|data| Event { id, data });
        }
        if line.starts_with(':') {
            return None;
        }
        let (field, value) = line.split_once(':').unwrap_or((line, ""));
        let value = value.strip_prefix(' ').unwrap_or(value);
        match field {
            "data" => match &mut self.data {
                Some(data) => {
                    data.push('\n');
                    data.push_str(value);
                }
                None => self.data = Some(value.to_owned()),
            },
            "id" if !value.contains('\0') => self.id = Some(value.to_owned()),
            _ => {}
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_read_across_chunks_and_comments_skipped() {
        let mut parser = Parser::default();
        assert!(parser.feed(b": heartbeat\n\nid: 17").is_empty());
        let events = parser.feed(b"67\r\ndata: {\"sid\":\"a\",\n");
        assert!(events.is_empty());
        let events = parser.feed(b"data:\"until\":1767}\n\nid:2\ndata: x\n\n");
        assert_eq!(
            events,
            vec![
                Event {
                    id: Some("1767".into()),
                    data: "{\"sid\":\"a\",\n\"until\":1767}".into()
                },
                Event {
                    id: Some("2".into()),
                    data: "x".into()
                },
            ]
        );
    }
}
