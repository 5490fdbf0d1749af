//! A JSON value kept in a `TEXT` column, typed on both sides: entities declare
//! `JsonText<Vec<Line>>` and get the list, never the string. `TEXT` rather than a JSON
//! column type because the same schema runs on SQLite and PostgreSQL.

use sea_orm::sea_query::{ArrayType, ColumnType, Nullable, ValueType, ValueTypeErr};
use sea_orm::{ColIdx, DbErr, QueryResult, TryGetError, TryGetable, Value};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// `T` stored as its JSON text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JsonText<T>(pub T);

impl<T> std::ops::Deref for JsonText<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> std::ops::DerefMut for JsonText<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

impl<T: Serialize> From<JsonText<T>> for Value {
    fn from(value: JsonText<T>) -> Self {
        Value::String(Some(
            serde_json::to_string(&value.0).expect("plain data serialises"),
        ))
    }
}

impl<T: DeserializeOwned> TryGetable for JsonText<T> {
    fn try_get_by<I: ColIdx>(res: &QueryResult, index: I) -> Result<Self, TryGetError> {
        let text = String::try_get_by(res, index)?;
        serde_json::from_str(&text)
            .map(JsonText)
            .map_err(|e| TryGetError::DbErr(DbErr::Type(format!("stored JSON: {e}"))))
    }
}

impl<T: DeserializeOwned> ValueType for JsonText<T> {
    fn try_from(v: Value) -> Result<Self, ValueTypeErr> {
        match v {
            Value::String(Some(text)) => serde_json::from_str(&text)
                .map(JsonText)
                .map_err(|_| ValueTypeErr),
            _ => Err(ValueTypeErr),
        }
    }

    fn type_name() -> String {
        "JsonText".into()
    }

    fn array_type() -> ArrayType {
        ArrayType::String
    }

    fn column_type() -> ColumnType {
        ColumnType::Text
    }
}

impl<T> Nullable for JsonText<T> {
    fn null() -> Value {
        Value::String(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_goes_in_as_text_and_comes_back_typed() {
        let value: Value = JsonText(vec![("Lệ phí".to_string(), 8000i64)]).into();
        assert_eq!(value, Value::String(Some(r#"[["Lệ phí",8000]]"#.into())));
        let back: JsonText<Vec<(String, i64)>> = ValueType::try_from(value).unwrap();
        assert_eq!(back.0, vec![("Lệ phí".to_string(), 8000)]);
        let bad: Result<JsonText<Vec<String>>, _> =
            ValueType::try_from(Value::String(Some("not json".into())));
        assert!(bad.is_err());
    }
}
