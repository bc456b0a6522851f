//! The rule expression language: parse, type-check against a schema of
//! every type, and evaluate what checks on a row.
#![no_main]
use carecoord::expr::{EvalContext, Field, Schema, Type, Value, compile};
use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;

fn schema() -> Schema {
    let f = |name: &str, ty: Type| Field {
        name: name.into(),
        ty,
        nullable: true,
        role: None,
    };
    Schema::new(vec![
        f("age", Type::Int),
        f("score", Type::Float),
        f("flag", Type::Bool),
        f(
            "sex",
            Type::Enum(["female".to_owned(), "male".to_owned()].into()),
        ),
        f("code", Type::Str),
        f("seen", Type::Date),
        f("conditions", Type::StrList),
    ])
    .unwrap_or_default()
}

fuzz_target!(|text: &str| {
    let schema = schema();
    let Ok(compiled) = compile(text, &schema) else {
        return;
    };
    let ctx = EvalContext {
        today: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default(),
    };
    let row = [
        Value::Int(i64::MAX),
        Value::Float(f64::NAN),
        Value::Bool(true),
        Value::str("female"),
        Value::Null,
        Value::Date(NaiveDate::MAX),
        Value::list(["copd", ""]),
    ];
    let _ = compiled.evaluate(&row, &ctx);
    let _ = compiled.truth(&row, &ctx);
});
