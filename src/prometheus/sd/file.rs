//! `file_sd_configs` (`discovery/file/file.go`): at least one file, each name matching Go's
//! pattern.

use super::{Block, HttpBlock, Mechanism};
use crate::prometheus::schema::{Field, Ty::*};
use crate::prometheus::Version::V2;

const FIELDS: &[Field] = &[
    Field::new("files", Strs),
    Field::new("refresh_interval", Dur),
];

pub(super) const FILE: Mechanism = Mechanism {
    name: "file",
    since: V2,
    fields: FIELDS,
    http: HttpBlock::None,
    check,
};

fn check(b: &mut Block<'_>) -> Result<(), String> {
    let files = b.v.strs("files");
    if files.is_empty() {
        return Err("file service discovery config must contain at least one path name".into());
    }
    for f in files {
        if !file_sd_name_ok(&f) {
            return Err(format!("path name {f:?} is not valid for file discovery"));
        }
    }
    Ok(())
}

/// `^[^*]*(\*[^/]*)?\.(json|yml|yaml|JSON|YML|YAML)$`
fn file_sd_name_ok(name: &str) -> bool {
    let Some(dot) = name.rfind('.') else {
        return false;
    };
    if !["json", "yml", "yaml", "JSON", "YML", "YAML"].contains(&&name[dot + 1..]) {
        return false;
    }
    let stem = &name[..dot];
    match stem.find('*') {
        None => true,
        Some(i) => !stem[i + 1..].contains('/'),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names() {
        assert!(file_sd_name_ok("foo/*.slow.json"));
        assert!(file_sd_name_ok("my/targets.yml"));
        assert!(!file_sd_name_ok("foo/*/bar.json"));
        assert!(file_sd_name_ok("a*b*c.json"));
        assert!(!file_sd_name_ok("targets.txt"));
    }
}
