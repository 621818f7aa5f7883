//! Order mail over real SMTP: a paid checkout reaches a tiny SMTP sink in this test as one
//! multipart text + HTML mail to the buyer, sent by lettre over TCP; a declined payment sends
//! nothing; a server that refuses the message leaves the mail unsent with its attempt and error
//! recorded, and the shop keeps serving.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{json, Value};
use showroom::mailer::{MailSettings, Mailer};
use showroom_store::OutboxMail;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use uuid::Uuid;

use crate::helpers::{spawn_configured, TestApp};

const SUCCESS: &str = "4242 4242 4242 4242";
const DECLINED: &str = "4000 0000 0000 0002";

/// One message the sink accepted.
#[derive(Debug, Clone)]
struct Received {
    recipients: Vec<String>,
    data: String,
}

/// A listening SMTP server that speaks just enough of RFC 5321 for lettre: greeting, EHLO/HELO,
/// MAIL, RCPT, DATA up to `<CRLF>.<CRLF>`, RSET, QUIT. With `refuse_data` it answers DATA with a
/// permanent 554 instead of taking the message.
struct SmtpSink {
    address: std::net::SocketAddr,
    received: Arc<Mutex<Vec<Received>>>,
    task: tokio::task::JoinHandle<()>,
}

impl SmtpSink {
    async fn start(refuse_data: bool) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind sink");
        let address = listener.local_addr().unwrap();
        let received = Arc::new(Mutex::new(Vec::new()));
        let store = received.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(session(stream, store.clone(), refuse_data));
            }
        });
        Self {
            address,
            received,
            task,
        }
    }

    fn url(&self) -> String {
        format!("smtp://{}", self.address)
    }

    fn messages(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn session(stream: TcpStream, store: Arc<Mutex<Vec<Received>>>, refuse_data: bool) {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    let mut recipients = Vec::new();
    let mut line = String::new();
    let mut answer = "220 sink.test ESMTP\r\n";
    loop {
        if write.write_all(answer.as_bytes()).await.is_err() {
            return;
        }
        line.clear();
        if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
            return;
        }
        let command = line.trim_end().to_ascii_uppercase();
        answer = if command.starts_with("EHLO") || command.starts_with("HELO") {
            "250 sink.test\r\n"
        } else if command.starts_with("RCPT TO:") {
            recipients.push(line.trim_end()["RCPT TO:".len()..].to_owned());
            "250 2.1.5 ok\r\n"
        } else if command == "DATA" && refuse_data {
            "554 5.7.1 message refused by the test sink\r\n"
        } else if command == "DATA" {
            if write
                .write_all(b"354 end with <CRLF>.<CRLF>\r\n")
                .await
                .is_err()
            {
                return;
            }
            let mut data = String::new();
            loop {
                line.clear();
                if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                    return;
                }
                if line == ".\r\n" {
                    break;
                }
                data.push_str(&line);
            }
            store.lock().unwrap().push(Received {
                recipients: std::mem::take(&mut recipients),
                data,
            });
            "250 2.0.0 queued\r\n"
        } else if command == "QUIT" {
            let _ = write.write_all(b"221 2.0.0 bye\r\n").await;
            return;
        } else {
            // MAIL FROM, RSET, NOOP: fine.
            if command.starts_with("RSET") {
                recipients.clear();
            }
            "250 2.0.0 ok\r\n"
        };
    }
}

/// An app whose mail goes to `sink`, checked every second, and its running dispatcher.
async fn app_mailing_to(sink: &SmtpSink) -> (TestApp, Mailer) {
    let app = spawn_configured(|config| {
        config.mail.smtp_url = Some(sink.url().into());
        config.mail.from = "Showroom Test <shop@showroom.test>".into();
        config.mail.poll_secs = 1;
        config.mail.max_attempts = 3;
    })
    .await;
    let settings = MailSettings::from_config(&app.config).expect("mail settings");
    let mailer = Mailer::start(app.state.catalog.clone(), settings);
    (app, mailer)
}

/// Places a one-unit order paid with `card`; returns the response status and body.
async fn checkout(app: &TestApp, slug: &str, card: &str) -> (StatusCode, Value) {
    let product = app
        .published_product(
            slug,
            "Lamp <Deluxe>",
            &[(&slug.to_uppercase(), "Oak", 2_500, 5)],
        )
        .await;
    let variant_id = product["variants"][0]["id"].as_str().unwrap().to_owned();
    let response = app
        .client
        .post(app.url("/api/v1/checkout"))
        .header(
            "Idempotency-Key",
            format!("mail-{slug}-{}", Uuid::new_v4().simple()),
        )
        .json(&json!({
            "email": "Buyer@Example.com",
            "shipping_address": {"name": "Ada <Lovelace>", "line1": "1 Analytical St",
                                 "postal_code": "10001", "city": "New York", "country": "US"},
            "shipping_method": "standard",
            "lines": [{"variant_id": variant_id, "quantity": 1}],
            "payment": {"card_number": card},
        }))
        .send()
        .await
        .expect("POST /api/v1/checkout");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Polls `check` every 50 ms for up to 15 s: its first `Some`, or `None` when time ran out.
async fn within<T>(mut check: impl AsyncFnMut() -> Option<T>) -> Option<T> {
    let deadline = Instant::now() + Duration::from_secs(15);
    while Instant::now() < deadline {
        if let Some(done) = check().await {
            return Some(done);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    None
}

async fn mail_of(app: &TestApp, order: &Value) -> Vec<OutboxMail> {
    let id = Uuid::parse_str(order["id"].as_str().expect("order id")).unwrap();
    app.state.catalog.mail_for_order(id).await.unwrap()
}

#[tokio::test]
async fn a_paid_order_reaches_the_smtp_server_as_one_text_and_html_mail_to_the_buyer() {
    let sink = SmtpSink::start(false).await;
    let (app, mailer) = app_mailing_to(&sink).await;
    let (status, order) = checkout(&app, "mail-lamp", SUCCESS).await;
    assert_eq!(status, StatusCode::CREATED, "{order}");
    let number = order["number"].as_str().unwrap().to_owned();

    let got = within(async || {
        let messages = sink.messages();
        (!messages.is_empty()).then_some(messages)
    })
    .await
    .expect("the confirmation reaches the sink");
    assert_eq!(got.len(), 1, "{got:?}");
    let message = &got[0];
    assert_eq!(message.recipients, ["<Buyer@Example.com>"]);
    let data = &message.data;
    assert!(
        data.contains(&format!("Subject: Order {number} confirmed")),
        "{data}"
    );
    assert!(
        data.contains("From: \"Showroom Test\" <shop@showroom.test>")
            || data.contains("From: Showroom Test <shop@showroom.test>"),
        "{data}"
    );
    assert!(data.contains("multipart/alternative"), "{data}");
    assert!(data.contains("Content-Type: text/plain"), "{data}");
    assert!(data.contains("Content-Type: text/html"), "{data}");
    assert!(
        data.contains("Ada &lt;Lovelace&gt;"),
        "escaped in HTML: {data}"
    );

    let stored = within(async || {
        let mail = mail_of(&app, &order).await;
        mail.iter().all(|m| m.sent_at.is_some()).then_some(mail)
    })
    .await
    .expect("the mail is marked sent");
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].attempts, 1);
    // Marked sent, so the next rounds do not send it again.
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    assert_eq!(sink.messages().len(), 1);
    mailer.stop().await;
    app.stop().await;
}

#[tokio::test]
async fn a_declined_payment_sends_no_mail() {
    let sink = SmtpSink::start(false).await;
    let (app, mailer) = app_mailing_to(&sink).await;
    let (status, declined) = checkout(&app, "mail-declined", DECLINED).await;
    assert_eq!(status, StatusCode::PAYMENT_REQUIRED, "{declined}");
    // A paid order after it proves the dispatcher is running: its mail is the only one.
    let (status, paid) = checkout(&app, "mail-paid", SUCCESS).await;
    assert_eq!(status, StatusCode::CREATED, "{paid}");
    within(async || (!sink.messages().is_empty()).then_some(()))
        .await
        .expect("the paid order's mail arrives");
    // Another round or two, in case the declined order's mail were merely later.
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    let got = sink.messages();
    assert_eq!(got.len(), 1, "{got:?}");
    let number = paid["number"].as_str().unwrap();
    assert!(got[0].data.contains(&format!("Order {number} confirmed")));
    let declined_number = app
        .orders_of("buyer@example.com")
        .await
        .into_iter()
        .find(|o| o.number.to_string() != number)
        .expect("the declined order is stored");
    assert!(app
        .state
        .catalog
        .mail_for_order(declined_number.id)
        .await
        .unwrap()
        .is_empty());
    mailer.stop().await;
    app.stop().await;
}

#[tokio::test]
async fn a_refusing_smtp_server_leaves_the_mail_unsent_with_its_error_and_the_shop_serving() {
    let sink = SmtpSink::start(true).await;
    let (app, mailer) = app_mailing_to(&sink).await;
    let (status, order) = checkout(&app, "mail-refused", SUCCESS).await;
    assert_eq!(status, StatusCode::CREATED, "{order}");

    let failed = within(async || {
        let mail = mail_of(&app, &order).await;
        mail.first().filter(|m| m.last_error.is_some()).cloned()
    })
    .await
    .expect("the failure is recorded");
    assert_eq!(failed.attempts, 1);
    assert_eq!(failed.sent_at, None);
    let error = failed.last_error.unwrap();
    assert!(error.contains("554"), "{error}");
    let retry_at = failed.next_attempt_at.expect("retried later");
    assert!(
        retry_at > failed.created_at + 25_000,
        "backs off: {retry_at}"
    );
    assert!(sink.messages().is_empty());

    let health = app.get("/healthz").await;
    assert_eq!(health.status(), StatusCode::OK);
    let (status, _) = checkout(&app, "mail-after", SUCCESS).await;
    assert_eq!(status, StatusCode::CREATED, "checkout still works");
    mailer.stop().await;
    app.stop().await;
}

#[tokio::test]
async fn without_an_smtp_url_mail_is_logged_and_marked_sent() {
    let app = crate::helpers::spawn_app().await;
    let settings = MailSettings::from_config(&app.config).expect("the default mail settings");
    assert!(settings.smtp.is_none());
    let (status, order) = checkout(&app, "mail-logged", SUCCESS).await;
    assert_eq!(status, StatusCode::CREATED, "{order}");

    let handled = showroom::mailer::dispatch_once(app.state.catalog.as_ref(), &settings)
        .await
        .unwrap();
    assert_eq!(handled, 1);
    let mail = mail_of(&app, &order).await;
    assert_eq!(mail.len(), 1);
    assert!(mail[0].sent_at.is_some(), "{mail:?}");
    let again = showroom::mailer::dispatch_once(app.state.catalog.as_ref(), &settings)
        .await
        .unwrap();
    assert_eq!(again, 0, "a logged mail is not handled twice");
    app.stop().await;
}
