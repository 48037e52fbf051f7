//! Parsing of SUPERVM_ENABLE_FAST_FALLBACK / SUPERVM_FALLBACK_ON_ERRORS, without touching
//! the process environment.

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use supervm_runtime::{
    ConfigError, ErrorKind, FallbackPolicy, DEFAULT_FALLBACK_KINDS, ENABLE_FAST_FALLBACK_VAR,
    FALLBACK_ON_ERRORS_VAR,
};

fn parse_os(
    enable: Option<OsString>,
    errors: Option<OsString>,
) -> Result<FallbackPolicy, ConfigError> {
    FallbackPolicy::from_lookup(|k| match k {
        ENABLE_FAST_FALLBACK_VAR => enable.clone(),
        FALLBACK_ON_ERRORS_VAR => errors.clone(),
        other => panic!("unexpected lookup of {other}"),
    })
}

fn parse(enable: Option<&str>, errors: Option<&str>) -> Result<FallbackPolicy, ConfigError> {
    parse_os(enable.map(OsString::from), errors.map(OsString::from))
}

/// Bytes that are not UTF-8: a lone continuation byte after valid text.
fn not_utf8(prefix: &str) -> OsString {
    let mut bytes = prefix.as_bytes().to_vec();
    bytes.extend_from_slice(&[0xff, 0xfe]);
    OsString::from_vec(bytes)
}

#[test]
fn non_utf8_values_are_errors_naming_the_variable() {
    // Read lossily, "true\u{fffd}\u{fffd}" would be an InvalidBool; now the
    // variable is named for what is wrong with it.
    for (enable, errors, var) in [
        (Some(not_utf8("")), None, ENABLE_FAST_FALLBACK_VAR),
        (Some(not_utf8("true")), None, ENABLE_FAST_FALLBACK_VAR),
        (
            Some("true".into()),
            Some(not_utf8("GasExhausted,")),
            FALLBACK_ON_ERRORS_VAR,
        ),
        (None, Some(not_utf8("")), FALLBACK_ON_ERRORS_VAR),
    ] {
        let bad = enable
            .clone()
            .filter(|_| var == ENABLE_FAST_FALLBACK_VAR)
            .or(errors.clone())
            .unwrap();
        let e = parse_os(enable, errors).unwrap_err();
        match &e {
            ConfigError::NotUnicode { var: v, value } => {
                assert_eq!(*v, var);
                assert_eq!(value, &bad);
            }
            other => panic!("{var}: {other:?}"),
        }
        let msg = e.to_string();
        assert!(msg.contains(var) && msg.contains("UTF-8"), "{msg}");
    }
}

fn kinds(p: &FallbackPolicy) -> Vec<ErrorKind> {
    p.kinds().collect()
}

#[test]
fn variable_names_are_the_seed_contract() {
    assert_eq!(ENABLE_FAST_FALLBACK_VAR, "SUPERVM_ENABLE_FAST_FALLBACK");
    assert_eq!(FALLBACK_ON_ERRORS_VAR, "SUPERVM_FALLBACK_ON_ERRORS");
}

#[test]
fn unset_means_off() {
    let p = parse(None, None).unwrap();
    assert!(!p.is_enabled());
    assert_eq!(p, FallbackPolicy::disabled());
    assert_eq!(p, FallbackPolicy::default());
    assert!(!p.falls_back_on(ErrorKind::GasExhausted));
}

#[test]
fn true_values_enable_with_default_kinds() {
    for v in ["true", "TRUE", "True", " true ", "\ttrue\n", "1", " 1"] {
        let p = parse(Some(v), None).unwrap_or_else(|e| panic!("{v:?}: {e}"));
        assert!(p.is_enabled(), "{v:?}");
        assert_eq!(kinds(&p), DEFAULT_FALLBACK_KINDS, "{v:?}");
        assert!(p.falls_back_on(ErrorKind::GasExhausted));
        assert!(p.falls_back_on(ErrorKind::MemoryOverflow));
        assert!(!p.falls_back_on(ErrorKind::NotOwned));
    }
    assert_eq!(
        parse(Some("true"), None).unwrap(),
        FallbackPolicy::enabled_default()
    );
}

#[test]
fn false_values_disable() {
    for v in ["false", "FALSE", "False", " false ", "0", "0\n"] {
        assert!(!parse(Some(v), None).unwrap().is_enabled(), "{v:?}");
        assert!(
            !parse(Some(v), Some("GasExhausted")).unwrap().is_enabled(),
            "{v:?}"
        );
    }
}

#[test]
fn other_bool_values_are_errors_naming_variable_and_value() {
    for v in [
        "", " ", "yes", "no", "on", "2", "tru", "true1", "truee", "01", "t", "-1",
    ] {
        let e = parse(Some(v), None).unwrap_err();
        match &e {
            ConfigError::InvalidBool { var, value } => {
                assert_eq!(*var, ENABLE_FAST_FALLBACK_VAR);
                assert_eq!(value, v);
            }
            other => panic!("{v:?}: {other:?}"),
        }
        let msg = e.to_string();
        assert!(msg.contains(ENABLE_FAST_FALLBACK_VAR), "{msg}");
        assert!(msg.contains(&format!("{v:?}")), "{msg}");
    }
}

#[test]
fn kind_lists_are_trimmed_and_exact() {
    let p = parse(Some("true"), Some("GasExhausted")).unwrap();
    assert_eq!(kinds(&p), [ErrorKind::GasExhausted]);
    let p = parse(Some("true"), Some(" MemoryOverflow , GasExhausted\t")).unwrap();
    assert_eq!(
        kinds(&p),
        [ErrorKind::GasExhausted, ErrorKind::MemoryOverflow]
    );
    let p = parse(Some("true"), Some("VersionConflict,VersionConflict")).unwrap();
    assert_eq!(kinds(&p), [ErrorKind::VersionConflict]);
    let all = ErrorKind::ALL
        .iter()
        .map(|k| k.name())
        .collect::<Vec<_>>()
        .join(",");
    let p = parse(Some("true"), Some(&all)).unwrap();
    assert_eq!(kinds(&p), ErrorKind::ALL);
}

#[test]
fn unknown_kinds_are_errors_listing_valid_names() {
    for (v, bad) in [
        ("gasexhausted", "gasexhausted"),
        ("GASEXHAUSTED", "GASEXHAUSTED"),
        ("Gas", "Gas"),
        ("Exhausted", "Exhausted"),
        ("GasExhaustedX", "GasExhaustedX"),
        ("GasExhausted,Memory", "Memory"),
        ("GasExhausted MemoryOverflow", "GasExhausted MemoryOverflow"),
        ("GasExhausted;MemoryOverflow", "GasExhausted;MemoryOverflow"),
    ] {
        let e = parse(Some("true"), Some(v)).unwrap_err();
        match &e {
            ConfigError::UnknownErrorKind { var, name } => {
                assert_eq!(*var, FALLBACK_ON_ERRORS_VAR);
                assert_eq!(name, bad, "{v:?}");
            }
            other => panic!("{v:?}: {other:?}"),
        }
        let msg = e.to_string();
        assert!(msg.contains(FALLBACK_ON_ERRORS_VAR), "{msg}");
        for k in ErrorKind::ALL {
            assert!(msg.contains(k.name()), "{msg} lacks {k}");
        }
    }
}

#[test]
fn empty_entries_are_errors() {
    for v in [
        "",
        " ",
        ",",
        "GasExhausted,",
        ",GasExhausted",
        "GasExhausted,,MemoryOverflow",
        "GasExhausted, ,MemoryOverflow",
    ] {
        match parse(Some("true"), Some(v)) {
            Err(ConfigError::EmptyErrorKindEntry { var, value }) => {
                assert_eq!(var, FALLBACK_ON_ERRORS_VAR);
                assert_eq!(value, v);
            }
            other => panic!("{v:?}: {other:?}"),
        }
    }
}

#[test]
fn kind_list_is_validated_even_when_fallback_is_off() {
    assert!(matches!(
        parse(None, Some("Bogus")),
        Err(ConfigError::UnknownErrorKind { .. })
    ));
    assert!(matches!(
        parse(Some("false"), Some("")),
        Err(ConfigError::EmptyErrorKindEntry { .. })
    ));
    assert!(!parse(None, Some("GasExhausted")).unwrap().is_enabled());
}

#[test]
fn bad_enable_value_is_reported_before_the_list() {
    assert!(matches!(
        parse(Some("maybe"), Some("Bogus")),
        Err(ConfigError::InvalidBool { .. })
    ));
}
