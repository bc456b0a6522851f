use super::*;
use crate::diag::Span;
use chrono::NaiveDate;
use proptest::prelude::*;

fn schema() -> Schema {
    let f = |name: &str, ty: Type, nullable: bool| Field {
        name: name.into(),
        ty,
        nullable,
        role: None,
    };
    Schema::new(vec![
        f("age", Type::Int, false),
        f("score", Type::Float, true),
        f("flag", Type::Bool, true),
        f(
            "sex",
            Type::Enum(["female".to_owned(), "male".to_owned()].into()),
            true,
        ),
        f("name_code", Type::Str, true),
        f("seen", Type::Date, true),
        f("conditions", Type::StrList, true),
        f("n", Type::Int, true),
    ])
    .unwrap()
}

fn ctx() -> EvalContext {
    EvalContext {
        today: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
    }
}

fn row() -> Vec<Value> {
    vec![
        Value::Int(80),
        Value::Null,
        Value::Bool(true),
        Value::str("female"),
        Value::str("X1"),
        Value::Date(NaiveDate::from_ymd_opt(2026, 5, 1).unwrap()),
        Value::list(["dementia", "copd"]),
        Value::Null,
    ]
}

fn truth(src: &str) -> Truth {
    compile_condition(src, &schema())
        .unwrap_or_else(|e| panic!("{src}: {e}"))
        .truth(&row(), &ctx())
}

fn value(src: &str) -> Value {
    compile(src, &schema())
        .unwrap_or_else(|e| panic!("{src}: {e}"))
        .evaluate(&row(), &ctx())
}

fn error_code(src: &str) -> &'static str {
    compile_condition(src, &schema())
        .map(|_| "ok")
        .unwrap_or_else(|e| e.kind.code())
}

#[test]
fn three_valued_logic() {
    use Truth::*;
    let cases = [
        ("score > 1", Unknown),
        ("not (score > 1)", Unknown),
        ("score > 1 and age > 100", False),
        ("score > 1 and age > 1", Unknown),
        ("score > 1 or age > 1", True),
        ("score > 1 or age > 100", Unknown),
        ("score is null", True),
        ("score is not null", False),
        ("n in [1, 2]", Unknown),
        ("n not in [1, 2]", Unknown),
        ("n between 1 and 3", Unknown),
        ("age between 80 and 80", True),
        ("age not between 1 and 79", True),
        ("flag", True),
        ("sex == 'female'", True),
        ("sex in ['male']", False),
        ("any_in(conditions, ['copd', 'asthma'])", True),
        ("any_in(conditions, ['asthma'])", False),
        ("days_between(seen, today()) >= 180", True),
        ("seen < date('2026-06-01')", True),
        ("coalesce(score, 1.5) > 1", True),
        ("age >= 80 AND NOT flag", False),
    ];
    for (src, expected) in cases {
        assert_eq!(truth(src), expected, "{src}");
    }
}

#[test]
fn values_and_null_propagation() {
    assert_eq!(value("age + 1"), Value::Int(81));
    assert_eq!(value("age / 8"), Value::Float(10.0));
    assert_eq!(value("age / 0"), Value::Null);
    assert_eq!(value("age * 9223372036854775807"), Value::Null);
    assert_eq!(value("score + 1"), Value::Null);
    assert_eq!(value("max(n, 3, age)"), Value::Int(80));
    assert_eq!(value("min(n, score)"), Value::Null);
    assert_eq!(value("min(2, 1.5)"), Value::Float(1.5));
    assert_eq!(value("abs(-3)"), Value::Int(3));
    assert_eq!(value("len(conditions)"), Value::Int(2));
    assert_eq!(value("efi(9)"), Value::Float(0.25));
    assert_eq!(value("efi_category(13)"), Value::str("severe"));
    assert_eq!(value("pam_level(55.1)"), Value::Int(2));
    assert_eq!(value("polypharmacy_band(10)"), Value::str("excessive"));
    assert_eq!(
        value("days_between(seen, date('2026-05-11'))"),
        Value::Int(10)
    );
}

#[test]
fn load_time_errors() {
    let cases = [
        ("agee > 3", "expr.unknown_field"),
        ("age > 'old'", "expr.type_mismatch"),
        ("age == null", "expr.type_mismatch"),
        ("sex == 'femail'", "expr.unknown_enum_value"),
        ("sex in ['female', 'x']", "expr.unknown_enum_value"),
        ("sex < 'male'", "expr.type_mismatch"),
        ("flag > true", "expr.type_mismatch"),
        ("conditions in ['copd']", "expr.type_mismatch"),
        ("age in [1, n]", "expr.type_mismatch"),
        ("age in [1, null]", "expr.type_mismatch"),
        ("maxx(age) > 1", "expr.unknown_function"),
        ("abs(1, 2) > 1", "expr.wrong_argument_count"),
        ("days_between(age, seen) > 1", "expr.type_mismatch"),
        ("age + 1", "expr.not_a_condition"),
        ("not age", "expr.not_a_condition"),
        ("age and flag", "expr.not_a_condition"),
        ("[1] == 1", "expr.type_mismatch"),
        ("any_in(age, ['x'])", "expr.type_mismatch"),
        ("efi_category(score) == 'fit'", "expr.type_mismatch"),
        ("efi_category(age) == 'frail'", "expr.unknown_enum_value"),
        ("name_code between 'a' and 'b'", "expr.type_mismatch"),
        ("age = 3", "expr.single_equals"),
    ];
    for (src, code) in cases {
        assert_eq!(error_code(src), code, "{src}");
    }
}

#[test]
fn errors_carry_spans_and_suggestions() {
    let e = compile("age > 3 and flagg", &schema()).unwrap_err();
    assert_eq!(e.span, Span::new(12, 17));
    assert_eq!(e.to_string(), "unknown field `flagg`: did you mean `flag`?");
    let e = compile("sex == 'femal'", &schema()).unwrap_err();
    assert_eq!(e.span, Span::new(7, 14));
    assert!(e.to_string().contains("did you mean `female`?"));
    let e = compile("dayz_between(seen, seen) > 1", &schema()).unwrap_err();
    assert_eq!(e.span, Span::new(0, 12));
    assert!(e.to_string().contains("`days_between`"));
}

#[test]
fn explain_says_why_and_why_not() {
    let s = schema();
    let rule = compile_condition("age >= 85 and flag", &s).unwrap();
    let checks = rule.explain(&row(), &ctx(), &s);
    assert_eq!(checks.len(), 1);
    assert_eq!(checks[0].text, "age >= 85");
    assert_eq!(checks[0].outcome, Truth::False);
    assert_eq!(checks[0].values, [("age".to_owned(), "80".to_owned())]);

    let rule = compile_condition("score > 50 or age < 18", &s).unwrap();
    let checks = rule.explain(&row(), &ctx(), &s);
    let outcomes: Vec<_> = checks
        .iter()
        .map(|c| (c.text.as_str(), c.outcome))
        .collect();
    assert_eq!(
        outcomes,
        [("score > 50", Truth::Unknown), ("age < 18", Truth::False)]
    );
    assert_eq!(checks[0].values, [("score".to_owned(), "null".to_owned())]);

    let rule = compile_condition("flag or score > 50", &s).unwrap();
    let checks = rule.explain(&row(), &ctx(), &s);
    assert_eq!(checks.len(), 1);
    assert_eq!(
        (checks[0].text.as_str(), checks[0].outcome),
        ("flag", Truth::True)
    );
}

// --- parse(print(ast)) == ast ---

fn strip(e: &Expr) -> Expr {
    let b = |e: &Expr| Box::new(strip(e));
    let kind = match &e.kind {
        ExprKind::Literal(l) => ExprKind::Literal(l.clone()),
        ExprKind::Field(f) => ExprKind::Field(f.clone()),
        ExprKind::List(items) => ExprKind::List(items.iter().map(strip).collect()),
        ExprKind::Not(x) => ExprKind::Not(b(x)),
        ExprKind::Neg(x) => ExprKind::Neg(b(x)),
        ExprKind::Binary { op, left, right } => ExprKind::Binary {
            op: *op,
            left: b(left),
            right: b(right),
        },
        ExprKind::In {
            expr,
            list,
            negated,
        } => ExprKind::In {
            expr: b(expr),
            list: b(list),
            negated: *negated,
        },
        ExprKind::Between {
            expr,
            low,
            high,
            negated,
        } => ExprKind::Between {
            expr: b(expr),
            low: b(low),
            high: b(high),
            negated: *negated,
        },
        ExprKind::IsNull { expr, negated } => ExprKind::IsNull {
            expr: b(expr),
            negated: *negated,
        },
        ExprKind::Call { name, args, .. } => ExprKind::Call {
            name: name.clone(),
            name_span: Span::default(),
            args: args.iter().map(strip).collect(),
        },
    };
    Expr {
        kind,
        span: Span::default(),
    }
}

fn leaf() -> impl Strategy<Value = Expr> {
    let e = |kind| Expr {
        kind,
        span: Span::default(),
    };
    prop_oneof![
        any::<i32>().prop_map(move |i| e(ExprKind::Literal(Literal::Int(i64::from(i).abs())))),
        (0u32..100_000).prop_map(move |i| e(ExprKind::Literal(Literal::Float(
            f64::from(i) / 100.0 + 0.5
        )))),
        any::<bool>().prop_map(move |b| e(ExprKind::Literal(Literal::Bool(b)))),
        Just(e(ExprKind::Literal(Literal::Null))),
        "[a-z \"'\\\\]{0,6}".prop_map(move |s| e(ExprKind::Literal(Literal::Str(s)))),
        (0i64..20000).prop_map(move |d| e(ExprKind::Literal(Literal::Date(
            NaiveDate::from_ymd_opt(2000, 1, 1).unwrap() + chrono::Duration::days(d)
        )))),
        prop::sample::select(vec!["age", "score", "flag", "x_1"])
            .prop_map(move |f| e(ExprKind::Field(f.into()))),
    ]
}

fn arb_expr() -> impl Strategy<Value = Expr> {
    let e = |kind| Expr {
        kind,
        span: Span::default(),
    };
    leaf().prop_recursive(4, 40, 4, move |inner| {
        let ops = prop::sample::select(vec![
            BinaryOp::Or,
            BinaryOp::And,
            BinaryOp::Eq,
            BinaryOp::Ne,
            BinaryOp::Lt,
            BinaryOp::Le,
            BinaryOp::Gt,
            BinaryOp::Ge,
            BinaryOp::Add,
            BinaryOp::Sub,
            BinaryOp::Mul,
            BinaryOp::Div,
        ]);
        prop_oneof![
            (ops, inner.clone(), inner.clone()).prop_map(move |(op, l, r)| e(ExprKind::Binary {
                op,
                left: Box::new(l),
                right: Box::new(r)
            })),
            inner
                .clone()
                .prop_map(move |x| e(ExprKind::Not(Box::new(x)))),
            inner
                .clone()
                .prop_map(move |x| e(ExprKind::Neg(Box::new(x)))),
            (
                inner.clone(),
                prop::collection::vec(inner.clone(), 0..3),
                any::<bool>()
            )
                .prop_map(move |(x, items, negated)| e(ExprKind::In {
                    expr: Box::new(x),
                    list: Box::new(Expr {
                        kind: ExprKind::List(items),
                        span: Span::default()
                    }),
                    negated,
                })),
            (inner.clone(), inner.clone(), inner.clone(), any::<bool>()).prop_map(
                move |(x, lo, hi, negated)| e(ExprKind::Between {
                    expr: Box::new(x),
                    low: Box::new(lo),
                    high: Box::new(hi),
                    negated,
                })
            ),
            (inner.clone(), any::<bool>()).prop_map(move |(x, negated)| e(ExprKind::IsNull {
                expr: Box::new(x),
                negated
            })),
            (
                prop::sample::select(vec!["max", "coalesce", "f"]),
                prop::collection::vec(inner, 0..3)
            )
                .prop_map(move |(name, args)| e(ExprKind::Call {
                    name: name.into(),
                    name_span: Span::default(),
                    args,
                })),
        ]
    })
}

proptest! {
    #[test]
    fn parse_of_print_is_identity(expr in arb_expr()) {
        let printed = expr.to_string();
        let parsed = parse(&printed).map_err(|e| TestCaseError::fail(format!("{printed}: {e}")))?;
        prop_assert_eq!(strip(&parsed), expr);
    }

    #[test]
    fn parse_and_compile_never_panic(src in "[a-z0-9 ()\\[\\],.'\"<>=!+*/-]{0,40}") {
        let _ = compile(&src, &schema());
    }
}

/// Runs `f` on a thread with a small stack, as a worker thread might have.
fn on_small_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(1024 * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn long_flat_chains_are_refused_not_a_crash() {
    // Once a stack overflow (SIGSEGV): 10,000 terms, about 90 KB.
    for op in [" and ", " or ", " + ", " * "] {
        let term = if op.trim().len() == 1 { "age" } else { "flag" };
        for n in [1_000, 10_000] {
            let src = vec![term; n].join(op);
            let src = if term == "age" {
                format!("{src} > 0")
            } else {
                src
            };
            let code = error_code(&src);
            assert!(
                ["expr.too_deep", "expr.too_large"].contains(&code),
                "{op} {n}: {code}"
            );
        }
    }
    let huge = format!("age in [{}]", vec!["1"; MAX_TOKENS].join(","));
    assert_eq!(error_code(&huge), "expr.too_large");
}

#[test]
fn the_tallest_expressions_allowed_compile_and_evaluate_on_a_small_stack() {
    on_small_stack(|| {
        // Links of a chain and brackets share one budget.
        let chain = |n: usize| vec!["flag"; n].join(" and ");
        assert_eq!(truth(&chain(MAX_HEIGHT - 1)), Truth::True);
        assert_eq!(error_code(&chain(MAX_HEIGHT + 2)), "expr.too_deep");
        let half = MAX_HEIGHT / 2;
        let nested = format!(
            "{}{}{}",
            "(".repeat(half - 1),
            chain(half - 1),
            ")".repeat(half - 1)
        );
        assert_eq!(truth(&nested), Truth::True);
        let sum = format!("{} > 0", vec!["age"; MAX_HEIGHT - 1].join(" + "));
        assert_eq!(truth(&sum), Truth::True);
        let nots = format!("{}flag", "not ".repeat(MAX_HEIGHT - 2));
        assert_eq!(truth(&nots), Truth::True);
    });
}
