//! HTML of the public pages, in Vietnamese with English alongside.

use onestop_proto::catalogue::v1 as pb;

/// Escapes text for HTML.
pub(crate) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The public pages' frame: the centre's header, `body` in the middle.
pub(crate) fn layout(title: &str, body: &str) -> String {
    layout_with_head(title, "", body)
}

/// [`layout`] with extra elements (meta refresh, styles) at the end of `<head>`.
pub(crate) fn layout_with_head(title: &str, head: &str, body: &str) -> String {
    format!(
        r#"<!doctype html><html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body{{font-family:system-ui,"Segoe UI",Roboto,sans-serif;margin:0;color:#1b1b1b;background:#f6f7f9}}
header{{background:#b3261e;color:#fff;padding:12px 20px}} header a{{color:#fff;text-decoration:none}}
header small{{display:block;opacity:.85}}
main{{max-width:960px;margin:0 auto;padding:16px 20px}}
.en{{color:#666;font-size:.9em}}
form input[type=search]{{width:70%;font-size:1.1em;padding:8px}} form button{{font-size:1.1em;padding:8px 14px}}
table{{border-collapse:collapse;width:100%;background:#fff}} td,th{{border:1px solid #ddd;padding:6px 8px;text-align:left;vertical-align:top}}
.card{{background:#fff;border:1px solid #ddd;border-radius:6px;padding:12px 16px;margin:12px 0}}
.qr{{float:right;margin:0 0 12px 12px;text-align:center}} .qr img{{width:180px;height:180px}}
.fields a{{display:inline-block;margin:3px 6px 3px 0}}
@media print{{header,form,.fields{{display:none}}}}
</style>{head}</head><body>
<header><a href="/"><strong>Trung tâm Phục vụ hành chính công xã Mường Sại</strong>
<small>Public Administration Service Centre · Mường Sại commune, Sơn La</small></a></header>
<main>{body}</main></body></html>"#,
        title = esc(title),
    )
}

fn days(p: &pb::Procedure) -> String {
    match p.processing_days {
        None => "Chưa có thông tin <span class=en>/ not known</span>".into(),
        Some(0.0) => "Trong ngày <span class=en>/ same day</span>".into(),
        Some(d) => format!(
            "{} ngày làm việc <span class=en>/ {} working days</span>",
            d.to_string().replace('.', ","),
            d
        ),
    }
}

fn vnd(amount: i64) -> String {
    let digits = amount.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    format!("{out} đồng")
}

fn fees(p: &pb::Procedure) -> String {
    let mut parts: Vec<String> = p
        .fees
        .iter()
        .map(|f| {
            if f.amount_vnd == 0 {
                format!("{}: miễn / free", esc(&f.name))
            } else {
                format!("{}: {}", esc(&f.name), vnd(f.amount_vnd))
            }
        })
        .collect();
    if !p.fee_note.is_empty() {
        parts.push(esc(&p.fee_note));
    }
    if parts.is_empty() {
        "Chưa có thông tin <span class=en>/ not known</span>".into()
    } else {
        parts.join("<br>")
    }
}

fn result_rows(procedures: &[pb::Procedure]) -> String {
    let mut rows = String::new();
    for p in procedures {
        rows.push_str(&format!(
            "<tr><td><a href=\"/p/{code}\">{code}</a></td><td><a href=\"/p/{code}\">{name}</a></td><td>{field}</td><td>{days}</td></tr>",
            code = esc(&p.code),
            name = esc(&p.name),
            field = esc(p.field.as_ref().map(|f| f.name.as_str()).unwrap_or("")),
            days = days(p),
        ));
    }
    rows
}

/// The search page.
pub fn home(
    query: &str,
    field: &str,
    fields: &[pb::Field],
    results: Option<&[pb::Procedure]>,
) -> String {
    let mut body = format!(
        r#"<h1>Tra cứu thủ tục hành chính <span class=en>/ Find a procedure</span></h1>
<form method="get" action="/"><input type="search" name="q" value="{q}" autofocus placeholder="vd. dang ky khai sinh" aria-label="Tìm thủ tục / search">
<button type="submit">Tìm / Search</button></form>"#,
        q = esc(query)
    );
    if let Some(results) = results {
        body.push_str(&format!(
            "<p>{} kết quả <span class=en>/ results</span></p>",
            results.len()
        ));
        if !results.is_empty() {
            body.push_str("<table><tr><th>Mã / Code</th><th>Thủ tục / Procedure</th><th>Lĩnh vực / Field</th><th>Thời hạn / Time</th></tr>");
            body.push_str(&result_rows(results));
            body.push_str("</table>");
        }
    }
    let total: i32 = fields.iter().map(|f| f.procedure_count).sum();
    body.push_str(&format!(
        "<h2>Lĩnh vực <span class=en>/ Fields</span> — {total} thủ tục</h2><div class=fields>"
    ));
    for f in fields {
        let current = if f.code == field {
            " aria-current=page"
        } else {
            ""
        };
        body.push_str(&format!(
            "<a href=\"/?field={code}\"{current}>{name} ({n})</a>",
            code = esc(&f.code),
            name = esc(&f.name),
            n = f.procedure_count
        ));
    }
    body.push_str("</div>");
    layout("Tra cứu thủ tục hành chính", &body)
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        return "—".into();
    }
    let lis: String = items
        .iter()
        .map(|i| format!("<li>{}</li>", esc(i)))
        .collect();
    format!("<ol>{lis}</ol>")
}

fn online(level: pb::OnlineLevel) -> &'static str {
    match level {
        pb::OnlineLevel::Full => "Toàn trình <span class=en>/ fully online</span>",
        pb::OnlineLevel::Partial => "Một phần <span class=en>/ partly online</span>",
        pb::OnlineLevel::None => "Không <span class=en>/ at the counter only</span>",
        pb::OnlineLevel::Unspecified => "Chưa có thông tin <span class=en>/ not known</span>",
    }
}

/// A procedure's public page.
pub fn procedure(p: &pb::Procedure) -> String {
    let field = p.field.as_ref().map(|f| f.name.as_str()).unwrap_or("");
    let level = match p.level() {
        pb::Level::Province => "Cấp tỉnh <span class=en>/ province</span>",
        _ => "Cấp xã <span class=en>/ commune</span>",
    };
    let mut components = String::new();
    for c in &p.components {
        components.push_str(&format!(
            "<tr><td>{}{}</td><td>{}</td><td>{}</td></tr>",
            esc(&c.name),
            if c.template.is_empty() {
                String::new()
            } else {
                format!("<br><span class=en>Mẫu / form: {}</span>", esc(&c.template))
            },
            c.originals,
            c.copies
        ));
    }
    let components = if components.is_empty() {
        "<p>Chưa có thông tin <span class=en>/ not known</span></p>".to_string()
    } else {
        format!(
            "<table><tr><th>Giấy tờ / Document</th><th>Bản chính / Originals</th><th>Bản sao / Copies</th></tr>{components}</table>"
        )
    };
    let sample = if p.sample_code {
        "<p><em>Mã mẫu của trung tâm, không phải mã quốc gia / local sample code, not a national code.</em></p>"
    } else {
        ""
    };
    let body = format!(
        r#"<div class=qr><img src="/p/{code}/qr.svg" alt="QR {code}"><br><small>Quét để mở trang này<br><span class=en>Scan to open this page</span></small></div>
<p class=en>Mã thủ tục / code <strong>{code}</strong> · phiên bản / version {version}</p>
<h1>{name}</h1>{sample}
<div class=card><table>
<tr><th>Lĩnh vực <span class=en>/ Field</span></th><td>{field}</td></tr>
<tr><th>Cấp thực hiện <span class=en>/ Level</span></th><td>{level}</td></tr>
<tr><th>Cơ quan giải quyết <span class=en>/ Agency</span></th><td>{agency}</td></tr>
<tr><th>Thời hạn giải quyết <span class=en>/ Processing time</span></th><td>{days}</td></tr>
<tr><th>Phí, lệ phí <span class=en>/ Fees</span></th><td>{fees}</td></tr>
<tr><th>Dịch vụ công trực tuyến <span class=en>/ Online</span></th><td>{online}</td></tr>
<tr><th>Kết quả <span class=en>/ Result</span></th><td>{result}</td></tr>
</table></div>
<h2>Thành phần hồ sơ <span class=en>/ Documents to bring</span></h2>{components}
<h2>Trình tự thực hiện <span class=en>/ Steps</span></h2>{steps}
<h2>Căn cứ pháp lý <span class=en>/ Legal basis</span></h2>{legal}
<p class=en>Áp dụng từ / effective from {from}</p>"#,
        code = esc(&p.code),
        version = p.version,
        name = esc(&p.name),
        field = esc(field),
        agency = esc(&p.agency),
        days = days(p),
        fees = fees(p),
        online = online(p.online_level()),
        result = if p.result.is_empty() {
            "—".into()
        } else {
            esc(&p.result)
        },
        steps = list(&p.steps),
        legal = list(&p.legal_basis),
        from = p
            .effective_from
            .as_ref()
            .and_then(|t| chrono::DateTime::from_timestamp(t.seconds, 0))
            .map(|t| t
                .with_timezone(&chrono_tz::Asia::Ho_Chi_Minh)
                .format("%d/%m/%Y")
                .to_string())
            .unwrap_or_default(),
    );
    layout(&p.name, &body)
}

/// An error page.
pub fn error(status: u16, message: &str) -> String {
    let (vi, en) = match status {
        404 => ("Không tìm thấy", "Not found"),
        400 => ("Yêu cầu không hợp lệ", "Bad request"),
        503 => ("Dịch vụ tạm thời không sẵn sàng", "Service unavailable"),
        _ => ("Đã có lỗi xảy ra", "Something went wrong"),
    };
    layout(
        vi,
        &format!(
            "<h1>{vi} <span class=en>/ {en}</span></h1><p>{}</p><p><a href=\"/\">Về trang tra cứu / back to search</a></p>",
            esc(message)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_and_escaping() {
        assert_eq!(vnd(1_500_000), "1.500.000 đồng");
        assert_eq!(vnd(8000), "8.000 đồng");
        assert_eq!(esc("<a href='x'>&"), "&lt;a href=&#39;x&#39;&gt;&amp;");
    }
}
