//! Import files (JSON or CSV) parsed into checked records, each with its line, and
//! the summary of an import.

use std::collections::HashSet;

use serde::Deserialize;

use super::procedure::{Component, Fee, ProcedureDraft, RawField, RawProcedure};

/// File format of an import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFormat {
    /// `{"procedures": [...]}` or a bare array of procedures.
    Json,
    /// One procedure per row, header row first (see [`CSV_COLUMNS`]).
    Csv,
}

/// Columns of the CSV format, in any order; only `code`, `name` and `field_name` are required.
pub const CSV_COLUMNS: &[&str] = &[
    "code",
    "name",
    "field_code",
    "field_name",
    "level",
    "agency",
    "processing_days",
    "fees",
    "fee_note",
    "components",
    "steps",
    "result",
    "legal_basis",
    "conditions",
    "online_level",
    "sample_code",
];

/// A record that cannot be imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// 1-based line (CSV, header is line 1) or record number (JSON).
    pub line: usize,
    /// The record's code as written, if any.
    pub code: String,
    /// The offending field.
    pub field: String,
    /// Why.
    pub reason: String,
}

/// The outcome of checking an import file: drafts with their lines, or rejections.
#[derive(Debug, Default)]
pub struct CheckedImport {
    /// Valid records, in file order.
    pub drafts: Vec<(usize, ProcedureDraft)>,
    /// Everything wrong.
    pub rejected: Vec<Rejection>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum JsonFile {
    Wrapped { procedures: Vec<serde_json::Value> },
    Bare(Vec<serde_json::Value>),
}

/// Parses and checks a whole file; duplicate codes inside one file are rejected.
pub fn check(format: ImportFormat, data: &[u8]) -> CheckedImport {
    let records = match format {
        ImportFormat::Json => parse_json(data),
        ImportFormat::Csv => parse_csv(data),
    };
    let mut checked = CheckedImport::default();
    let records = match records {
        Ok(records) => records,
        Err(rejection) => {
            checked.rejected.push(rejection);
            return checked;
        }
    };
    let mut seen = HashSet::new();
    for (line, record) in records {
        let raw = match record {
            Ok(raw) => raw,
            Err((field, reason)) => {
                checked.rejected.push(Rejection {
                    line,
                    code: String::new(),
                    field,
                    reason,
                });
                continue;
            }
        };
        let code = raw.code.clone();
        match raw.validate() {
            Ok(draft) => {
                if seen.insert(draft.code.clone()) {
                    checked.drafts.push((line, draft));
                } else {
                    checked.rejected.push(Rejection {
                        line,
                        code,
                        field: "code".into(),
                        reason: "appears more than once in this file".into(),
                    });
                }
            }
            Err(violations) => {
                for v in violations {
                    checked.rejected.push(Rejection {
                        line,
                        code: code.clone(),
                        field: v.field,
                        reason: v.description,
                    });
                }
            }
        }
    }
    checked
}

type Record = (usize, Result<RawProcedure, (String, String)>);

fn parse_json(data: &[u8]) -> Result<Vec<Record>, Rejection> {
    let file: JsonFile = serde_json::from_slice(data).map_err(|e| Rejection {
        line: e.line(),
        code: String::new(),
        field: "(file)".into(),
        reason: format!("not a JSON list of procedures: {e}"),
    })?;
    let values = match file {
        JsonFile::Wrapped { procedures } => procedures,
        JsonFile::Bare(values) => values,
    };
    Ok(values
        .into_iter()
        .enumerate()
        .map(|(i, value)| {
            // serde names the bad key only inside its message; keep the message whole
            let record = serde_json::from_value::<RawProcedure>(value)
                .map_err(|e| ("(record)".to_string(), e.to_string()));
            (i + 1, record)
        })
        .collect())
}

fn parse_csv(data: &[u8]) -> Result<Vec<Record>, Rejection> {
    let file_error = |reason: String| Rejection {
        line: 1,
        code: String::new(),
        field: "(file)".into(),
        reason,
    };
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(data);
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| file_error(format!("unreadable header: {e}")))?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_string())
        .collect();
    for h in &headers {
        if !CSV_COLUMNS.contains(&h.as_str()) {
            return Err(file_error(format!(
                "unknown column `{h}`; known: {}",
                CSV_COLUMNS.join(", ")
            )));
        }
    }
    for required in ["code", "name", "field_name"] {
        if !headers.iter().any(|h| h == required) {
            return Err(file_error(format!("missing column `{required}`")));
        }
    }
    let mut records = Vec::new();
    for (i, row) in reader.records().enumerate() {
        let line = i + 2;
        let row = match row {
            Ok(row) => row,
            Err(e) => {
                records.push((line, Err(("(row)".into(), e.to_string()))));
                continue;
            }
        };
        let get = |name: &str| {
            headers
                .iter()
                .position(|h| h == name)
                .and_then(|i| row.get(i))
                .unwrap_or("")
                .trim()
                .to_string()
        };
        records.push((line, csv_record(&get)));
    }
    Ok(records)
}

fn csv_record(get: &dyn Fn(&str) -> String) -> Result<RawProcedure, (String, String)> {
    let processing_days = match get("processing_days").as_str() {
        "" => None,
        text => Some(text.replace(',', ".").parse::<f64>().map_err(|_| {
            (
                "processing_days".to_string(),
                format!("`{text}` is not a number of days"),
            )
        })?),
    };
    let fees = split_list(&get("fees"))
        .into_iter()
        .map(|item| {
            let (name, amount) = item.rsplit_once(':').ok_or_else(|| {
                (
                    "fees".to_string(),
                    format!("`{item}` must be `name:amount`"),
                )
            })?;
            let amount = amount.trim().replace(['.', ' '], "");
            let amount_vnd = amount.parse::<i64>().map_err(|_| {
                (
                    "fees".to_string(),
                    format!("`{amount}` is not an amount in VND"),
                )
            })?;
            Ok::<_, (String, String)>(Fee {
                name: name.trim().into(),
                amount_vnd,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let components = match get("components").as_str() {
        "" => Vec::new(),
        text => serde_json::from_str::<Vec<Component>>(text).map_err(|e| {
            (
                "components".to_string(),
                format!("must be a JSON list of components: {e}"),
            )
        })?,
    };
    let sample_code = match get("sample_code").to_ascii_lowercase().as_str() {
        "" | "0" | "false" | "no" => false,
        "1" | "true" | "yes" => true,
        other => {
            return Err((
                "sample_code".into(),
                format!("`{other}` is not true or false"),
            ));
        }
    };
    Ok(RawProcedure {
        code: get("code"),
        sample_code,
        name: get("name"),
        field: RawField {
            code: get("field_code"),
            name: get("field_name"),
        },
        level: get("level"),
        agency: get("agency"),
        processing_days,
        fees,
        fee_note: get("fee_note"),
        components,
        steps: split_list(&get("steps")),
        result: get("result"),
        legal_basis: split_list(&get("legal_basis")),
        conditions: get("conditions"),
        online_level: get("online_level"),
    })
}

/// Items separated by `|`.
fn split_list(text: &str) -> Vec<String> {
    text.split('|')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_rows_become_drafts() {
        let csv = "code,name,field_name,processing_days,fees,steps,online_level\n\
                   1.001193,Thủ tục đăng ký khai sinh,Hộ tịch,0,Lệ phí:0,Nộp hồ sơ|Nhận kết quả,Một phần\n\
                   2.000815,\"Chứng thực bản sao từ bản chính giấy tờ, văn bản\",Chứng thực,0.5,Phí:2.000,,\n";
        let checked = check(ImportFormat::Csv, csv.as_bytes());
        assert!(checked.rejected.is_empty(), "{:?}", checked.rejected);
        let (line, second) = &checked.drafts[1];
        assert_eq!(*line, 3);
        assert_eq!(
            second.content.fees,
            [Fee {
                name: "Phí".into(),
                amount_vnd: 2000
            }]
        );
        assert_eq!(second.content.field.code, "chung-thuc");
        assert_eq!(checked.drafts[0].1.content.steps.len(), 2);
    }

    #[test]
    fn csv_errors_name_line_and_field() {
        let csv = "code,name,field_name,processing_days\n1.001193,A,Hộ tịch,1\n1.00x,B,Hộ tịch,2\n1.000001,C,Hộ tịch,abc\n1.001193,D,Hộ tịch,1\n";
        let checked = check(ImportFormat::Csv, csv.as_bytes());
        let got: Vec<_> = checked
            .rejected
            .iter()
            .map(|r| (r.line, r.field.as_str()))
            .collect();
        assert_eq!(got, [(3, "code"), (4, "processing_days"), (5, "code")]);
        assert!(checked.rejected[2].reason.contains("more than once"));
    }

    #[test]
    fn unknown_csv_column_rejects_the_file() {
        let checked = check(ImportFormat::Csv, b"code,name,field_name,colour\n");
        assert_eq!(checked.rejected[0].field, "(file)");
        assert!(checked.rejected[0].reason.contains("colour"));
    }

    #[test]
    fn json_wrapped_or_bare() {
        let one = r#"{"code":"1.001193","name":"Đăng ký khai sinh","field":{"name":"Hộ tịch"},"processing_days":0.5,"source":"x"}"#;
        for text in [format!("{{\"procedures\":[{one}]}}"), format!("[{one}]")] {
            let checked = check(ImportFormat::Json, text.as_bytes());
            assert!(checked.rejected.is_empty(), "{:?}", checked.rejected);
            assert_eq!(checked.drafts.len(), 1);
        }
        let broken = check(ImportFormat::Json, b"{\"procedures\": [");
        assert_eq!(broken.rejected[0].field, "(file)");
        let wrong_type = check(
            ImportFormat::Json,
            br#"[{"code":"1.001193","name":"x","field":{"name":"y"},"processing_days":"many"}]"#,
        );
        assert_eq!(wrong_type.rejected[0].line, 1);
        assert!(
            wrong_type.rejected[0].reason.contains("processing_days")
                || wrong_type.rejected[0].reason.contains("invalid type")
        );
    }
}

/// What an import did (or, when `applied` is false, would have done).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// New procedures.
    pub created: usize,
    /// New versions of existing procedures.
    pub new_versions: usize,
    /// Records identical to the current version.
    pub unchanged: usize,
    /// Records refused; any refusal means nothing was written.
    pub rejected: Vec<Rejection>,
    /// Whether the changes were written.
    pub applied: bool,
}
