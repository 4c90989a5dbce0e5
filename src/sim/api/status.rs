//! Responses: JSON bodies and Kubernetes `Status` errors.

use axum::body::Body;
use axum::http::{HeaderValue, Response, StatusCode, header};
use bytes::Bytes;
use serde_json::{Value, json};

use super::super::kind::Kind;

/// An HTTP response.
pub type Resp = Response<Body>;

/// A response with a body and content type.
pub fn bytes(code: u16, content_type: &'static str, body: impl Into<Bytes>) -> Resp {
    let mut r = Response::new(Body::from(body.into()));
    *r.status_mut() = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    r
}

/// A JSON response.
pub fn json(code: u16, v: &Value) -> Resp {
    bytes(
        code,
        "application/json",
        serde_json::to_vec(v).unwrap_or_default(),
    )
}

/// A `Status` failure.
pub fn error(code: u16, reason: &str, message: &str, details: Option<Value>) -> Resp {
    let mut v = json!({
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code,
    });
    if let Some(d) = details {
        v["details"] = d;
    }
    json(code, &v)
}

/// The `Status` object of a success (e.g. DELETE of a collection).
pub fn success(details: Value) -> Resp {
    json(
        200,
        &json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "details": details}),
    )
}

fn details(kind: Kind, name: &str) -> Value {
    json!({"name": name, "group": kind.info().group, "kind": kind.info().plural})
}

/// 404 NotFound for an object.
pub fn not_found(kind: Kind, name: &str) -> Resp {
    let msg = format!("{} \"{name}\" not found", kind.qualified());
    error(404, "NotFound", &msg, Some(details(kind, name)))
}

/// 409 Conflict on a stale resourceVersion.
pub fn conflict(kind: Kind, name: &str) -> Resp {
    let msg = format!(
        "Operation cannot be fulfilled on {} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
        kind.qualified()
    );
    error(409, "Conflict", &msg, Some(details(kind, name)))
}

/// 409 AlreadyExists.
pub fn already_exists(kind: Kind, name: &str) -> Resp {
    let msg = format!("{} \"{name}\" already exists", kind.qualified());
    error(409, "AlreadyExists", &msg, Some(details(kind, name)))
}

/// 400 BadRequest.
pub fn bad_request(msg: &str) -> Resp {
    error(400, "BadRequest", msg, None)
}

/// 422 Invalid.
pub fn invalid(kind: Kind, name: &str, msg: &str) -> Resp {
    let i = kind.info();
    let k = if i.group.is_empty() {
        i.kind.to_string()
    } else {
        format!("{}.{}", i.kind, i.group)
    };
    error(
        422,
        "Invalid",
        &format!("{k} \"{name}\" is invalid: {msg}"),
        Some(details(kind, name)),
    )
}

/// 405 MethodNotAllowed.
pub fn method_not_allowed() -> Resp {
    error(
        405,
        "MethodNotAllowed",
        "the server does not allow this method on the requested resource",
        None,
    )
}

/// The watch event a client gets for an expired resourceVersion.
pub fn expired_status() -> Value {
    json!({
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": "too old resource version",
        "reason": "Expired",
        "code": 410,
    })
}
