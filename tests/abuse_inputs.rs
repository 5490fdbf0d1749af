//! Long and huge inputs on every string field of every RPC of every service, found
//! from the protobuf descriptors (so a new field is covered by itself), against a real
//! `onestop up`: each is refused as INVALID_ARGUMENT naming the field before any other
//! work, a message over the servers' cap is refused before decoding, and the servers
//! stay responsive. Also: a secret file that is empty or short stops start-up.

mod common;

use std::time::{Duration, Instant};

use bytes::{Buf, BufMut};
use onestop_kit::Role;
use onestop_kit::auth::TokenKeys;
use prost::Message;
use prost_reflect::{
    DescriptorPool, DynamicMessage, FieldDescriptor, Kind, MessageDescriptor, MethodDescriptor,
    Value,
};
use tonic::codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};
use tonic::transport::Channel;
use tonic::{Code, Status};

/// Passes already-encoded protobuf bytes through tonic unchanged.
#[derive(Clone, Copy, Default)]
struct RawCodec;
struct RawEncoder;
struct RawDecoder;

impl Codec for RawCodec {
    type Encode = Vec<u8>;
    type Decode = Vec<u8>;
    type Encoder = RawEncoder;
    type Decoder = RawDecoder;
    fn encoder(&mut self) -> RawEncoder {
        RawEncoder
    }
    fn decoder(&mut self) -> RawDecoder {
        RawDecoder
    }
}

impl Encoder for RawEncoder {
    type Item = Vec<u8>;
    type Error = Status;
    fn encode(&mut self, item: Vec<u8>, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        dst.put_slice(&item);
        Ok(())
    }
}

impl Decoder for RawDecoder {
    type Item = Vec<u8>;
    type Error = Status;
    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<Vec<u8>>, Status> {
        let mut out = vec![0; src.remaining()];
        src.copy_to_slice(&mut out);
        Ok(Some(out))
    }
}

/// Calls `method` with `body`; the status it ends with (OK when it answered).
async fn call(
    channel: &Channel,
    method: &MethodDescriptor,
    body: Vec<u8>,
    token: Option<&str>,
) -> Status {
    let mut grpc = tonic::client::Grpc::new(channel.clone()).max_encoding_message_size(usize::MAX);
    grpc.ready().await.expect("server ready");
    let path = format!("/{}/{}", method.parent_service().full_name(), method.name())
        .parse()
        .unwrap();
    let mut request = tonic::Request::new(body);
    request.set_timeout(Duration::from_secs(20));
    if let Some(t) = token {
        request
            .metadata_mut()
            .insert("authorization", format!("Bearer {t}").parse().unwrap());
    }
    if method.is_server_streaming() {
        match grpc.server_streaming(request, path, RawCodec).await {
            Ok(mut stream) => match stream.get_mut().message().await {
                Ok(_) => Status::ok(""),
                Err(s) => s,
            },
            Err(s) => s,
        }
    } else {
        match grpc.unary(request, path, RawCodec).await {
            Ok(_) => Status::ok(""),
            Err(s) => s,
        }
    }
}

/// A string field, as a path of fields from the request message.
#[derive(Debug, Clone)]
struct StringField {
    path: Vec<FieldDescriptor>,
}

impl StringField {
    /// The last field's name, as violations name it (`center.name_vi` ends in `name_vi`).
    fn name(&self) -> String {
        self.path
            .iter()
            .map(|f| f.name().to_string())
            .collect::<Vec<_>>()
            .join(".")
    }
}

/// Every string field of `message`, and of the messages it holds (two levels down).
fn string_fields(
    message: &MessageDescriptor,
    prefix: Vec<FieldDescriptor>,
    depth: usize,
) -> Vec<StringField> {
    let mut out = Vec::new();
    for field in message.fields() {
        let mut path = prefix.clone();
        path.push(field.clone());
        match field.kind() {
            Kind::String => out.push(StringField { path }),
            Kind::Message(inner) if depth > 0 && !inner.full_name().starts_with("google.") => {
                out.extend(string_fields(&inner, path, depth - 1));
            }
            _ => {}
        }
    }
    out
}

/// `message` with the string at `path` set to `text` (creating the messages above it).
fn with_string(
    message: &MessageDescriptor,
    path: &[FieldDescriptor],
    text: &str,
) -> DynamicMessage {
    let mut m = DynamicMessage::new(message.clone());
    let field = &path[0];
    let value = if path.len() == 1 {
        Value::String(text.to_string())
    } else {
        let Kind::Message(inner) = field.kind() else {
            unreachable!("only messages hold deeper fields")
        };
        Value::Message(with_string(&inner, &path[1..], text))
    };
    let value = if field.is_list() {
        Value::List(vec![value])
    } else {
        value
    };
    m.set_field(field, value);
    m
}

fn tokens(keys: &TokenKeys) -> Vec<(String, Option<String>)> {
    let hour = chrono::Duration::hours(1);
    let mut out: Vec<_> = [
        Role::Admin,
        Role::Province,
        Role::Leader,
        Role::Receptionist,
        Role::Specialist,
        Role::Kiosk,
        Role::Display,
    ]
    .into_iter()
    .map(|r| (r.to_string(), Some(keys.issue("abuse", r, "*", hour))))
    .collect();
    out.push(("anonymous".into(), None));
    out
}

/// Streams in many small messages; the only method exempt from the message cap.
const STREAMED_UPLOADS: &[&str] = &["ImportProcedures"];

#[tokio::test]
async fn every_string_field_of_every_rpc_is_bounded() {
    let suite = common::start().await;
    suite.wait_for_dossier_centre().await;
    let keys = TokenKeys::load_or_create(None, suite.dir.path()).unwrap();
    let tokens = tokens(&keys);
    let pool = DescriptorPool::decode(onestop_proto::FILE_DESCRIPTOR_SET).unwrap();
    let mut checked = 0;
    let mut problems = Vec::new();
    for (service, port) in [
        ("onestop.catalogue.v1.CatalogueService", suite.catalogue),
        ("onestop.queue.v1.QueueService", suite.queue),
        ("onestop.dossier.v1.DossierService", suite.dossier),
    ] {
        let channel = tonic::transport::Endpoint::from_shared(format!("http://127.0.0.1:{port}"))
            .unwrap()
            .connect()
            .await
            .unwrap();
        let descriptor = pool
            .get_service_by_name(service)
            .unwrap_or_else(|| panic!("{service} in the descriptors"));
        for method in descriptor.methods() {
            if method.is_client_streaming() || STREAMED_UPLOADS.contains(&method.name()) {
                continue;
            }
            let fields = string_fields(&method.input(), Vec::new(), 2);
            // long: over every per-field limit, well under the message cap
            for field in &fields {
                let body =
                    with_string(&method.input(), &field.path, &"x".repeat(70_000)).encode_to_vec();
                let started = Instant::now();
                let mut judged = None;
                for (who, token) in &tokens {
                    let status = call(&channel, &method, body.clone(), token.as_deref()).await;
                    if !matches!(
                        status.code(),
                        Code::Unauthenticated | Code::PermissionDenied
                    ) {
                        judged = Some((who.clone(), status));
                        break;
                    }
                }
                let took = started.elapsed();
                let name = format!("{}.{} {}", descriptor.name(), method.name(), field.name());
                checked += 1;
                let Some((who, status)) = judged else {
                    // every role refused before reading the input: nothing was done
                    continue;
                };
                let named = status.code() == Code::InvalidArgument && {
                    use tonic_types::StatusExt;
                    let last = field.path.last().unwrap().name().to_string();
                    status
                        .get_details_bad_request()
                        .map(|b| b.field_violations.iter().any(|v| v.field.contains(&last)))
                        .unwrap_or(false)
                };
                if !named {
                    problems.push(format!(
                        "{name} as {who}: {:?} {:?} (expected INVALID_ARGUMENT naming the field)",
                        status.code(),
                        status.message().chars().take(160).collect::<String>()
                    ));
                }
                if took > Duration::from_secs(5) {
                    problems.push(format!("{name}: took {took:?}"));
                }
            }
            // huge: one field of 1 MB, over the message cap
            if let Some(field) = fields.first() {
                let body = with_string(&method.input(), &field.path, &"x".repeat(1024 * 1024))
                    .encode_to_vec();
                let (_, admin) = &tokens[0];
                let status = call(&channel, &method, body, admin.as_deref()).await;
                if !matches!(status.code(), Code::OutOfRange | Code::ResourceExhausted) {
                    problems.push(format!(
                        "{}.{}: a 1 MB message gave {:?}",
                        descriptor.name(),
                        method.name(),
                        status.code()
                    ));
                }
            }
        }
        // still serving
        let mut health = tonic_health::pb::health_client::HealthClient::new(channel.clone());
        let started = Instant::now();
        health
            .check(tonic_health::pb::HealthCheckRequest {
                service: service.into(),
            })
            .await
            .unwrap();
        assert!(started.elapsed() < Duration::from_secs(2));
    }
    eprintln!("{checked} string fields tried long, every unary and streaming-out RPC huge");
    assert!(
        checked > 100,
        "only {checked} fields were tried: are the descriptors read?"
    );
    assert!(
        problems.is_empty(),
        "{} unbounded inputs:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn an_empty_or_short_secret_file_stops_start_up() {
    let good = "0123456789abcdef".repeat(4);
    // each purpose has its own secret, each checked by the service that uses it
    for (file, service, port) in [
        ("jwt-secret", "catalogue", "ONESTOP_PORTS__CATALOGUE"),
        ("citizen-key-secret", "queue", "ONESTOP_PORTS__QUEUE"),
        ("payment-secret", "dossier", "ONESTOP_PORTS__DOSSIER"),
    ] {
        for content in ["", "short-secret\n"] {
            let dir = tempfile::tempdir().unwrap();
            for other in ["jwt-secret", "citizen-key-secret", "payment-secret"] {
                std::fs::write(dir.path().join(other), &good).unwrap();
            }
            std::fs::write(dir.path().join(file), content).unwrap();
            let out = common::onestop(dir.path())
                .args(["serve", service])
                .env(port, common::free_port().to_string())
                .output()
                .unwrap();
            assert!(
                !out.status.success(),
                "{service} started with a {}-byte {file}",
                content.trim().len()
            );
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                stderr.contains(file) && stderr.contains("at least 32"),
                "the message names the file and the rule: {stderr}"
            );
        }
    }
}
