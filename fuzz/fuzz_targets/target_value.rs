//! Fuzzes the target-value grammar (`≥95%`, `12次`, `达成`): any UTF-8 string must parse (or be
//! refused as empty) without panicking, and everything derived from the parsed value too.
#![no_main]

use std::str::FromStr;

use jixiao_domain::TargetValue;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = TargetValue::from_str(text);
    let Some(value) = TargetValue::parse(text) else {
        return;
    };
    let _ = value.is_percent();
    let _ = value.direction();
    let _ = value.number();
    let _ = value.meaning();
    // The printed form is read again by the importers and the editor.
    let printed = value.to_string();
    let _ = TargetValue::parse(&printed);
});
