//! Input generators: arbitrary text, token soups of each format's syntax (which reach far
//! deeper into a parser than random characters), and well-formed documents built from a
//! format's keys with hostile values.

use promvault::{
    data::Data,
    yaml::dump::{dump, DumpOptions},
};
use proptest::prelude::*;

/// Concatenations of up to `max` tokens.
pub fn soup(tokens: &'static [&'static str], max: usize) -> BoxedStrategy<String> {
    prop::collection::vec(prop::sample::select(tokens), 0..max)
        .prop_map(|parts| parts.concat())
        .boxed()
}

/// Any text: mostly a soup of `tokens`, sometimes arbitrary characters, sometimes printable
/// ASCII with line breaks, sometimes a soup with arbitrary characters spliced in.
pub fn text(tokens: &'static [&'static str], max: usize) -> BoxedStrategy<String> {
    prop_oneof![
        5 => soup(tokens, max),
        1 => any::<String>(),
        1 => "[ -~\n\t]{0,200}",
        2 => (soup(tokens, max), any::<String>(), soup(tokens, max))
            .prop_map(|(a, b, c)| format!("{a}{b}{c}")),
    ]
    .boxed()
}

/// YAML's syntax, the tags and YAML 1.1 scalars Ansible resolves, and awkward characters.
pub const YAML: &[&str] = &[
    "\n",
    "\n",
    "\n",
    "  ",
    "  ",
    "    ",
    " ",
    "- ",
    "- ",
    "-",
    ": ",
    ": ",
    ":",
    "? ",
    "[",
    "]",
    "{",
    "}",
    ", ",
    ",",
    "&a ",
    "&b ",
    "*a",
    "*b",
    "&a [*b, *b, *b]",
    "!!str ",
    "!!int ",
    "!!float ",
    "!!bool ",
    "!!null ",
    "!!map ",
    "!!seq ",
    "!!binary ",
    "!!set ",
    "!!omap ",
    "!!pairs ",
    "!!timestamp ",
    "!!python/tuple ",
    "!unsafe ",
    "!vault ",
    "!vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  3132\n",
    "!foo ",
    "!<tag:yaml.org,2002:str> ",
    "! ",
    "<<: ",
    "<<: *a",
    "<<: [*a, *b]",
    "'",
    "''",
    "\"",
    "\\",
    "\\x4",
    "\\u00e9",
    "\\U0001F600",
    "\\N",
    "\\\n",
    "|",
    "|-",
    "|+",
    "|2",
    ">",
    ">-",
    ">9",
    "#",
    " # c",
    "---",
    "---\n",
    "...",
    "...\n",
    "%YAML 1.1\n",
    "%YAML 1.2\n",
    "%TAG ! tag:x,2000:\n",
    "key",
    "k2",
    "a",
    "b",
    "yes",
    "No",
    "on",
    "OFF",
    "y",
    "~",
    "null",
    "Null",
    "true",
    "1",
    "-1",
    "+1",
    "0x1F",
    "0o17",
    "017",
    "0b101",
    "1_000",
    "1:30:00",
    "190:20:30.15",
    "1e3",
    "1.5e+3",
    ".5",
    "1.",
    ".inf",
    "-.Inf",
    ".NaN",
    "2001-12-14",
    "2001-12-14t21:59:43.10-05:00",
    "=",
    "\t",
    "\r",
    "\r\n",
    "\u{feff}",
    "é",
    "\u{85}",
    "\u{2028}",
    "\u{a0}",
    "😀",
    "\0",
    "\u{7f}",
    "{{ x }}",
    "{% if %}",
    "@",
    "`",
    "%",
    "|\n  x\n",
];

/// Nesting around `MAX_DEPTH` (256), flow or block, closed or not.
fn deep_yaml() -> BoxedStrategy<String> {
    (
        1usize..300,
        prop::sample::select(&["[", "{a: ", "- ", "? ", "k:\n", "!!seq [", "&x ["][..]),
        any::<bool>(),
    )
        .prop_map(|(n, open, closed)| {
            let mut text = String::new();
            for i in 0..n {
                if open.ends_with('\n') || open == "- " || open == "? " {
                    text.push_str(&" ".repeat(i));
                }
                text.push_str(open);
            }
            text.push('x');
            if closed {
                for _ in 0..n {
                    text.push(if open.contains('{') { '}' } else { ']' });
                }
            }
            text.push('\n');
            text
        })
        .boxed()
}

/// Aliases of aliases: `levels` anchors, each a list of `fan` aliases to the one before (an
/// alias bomb once `fan^levels` is large: the budget must stop it).
fn alias_chain() -> BoxedStrategy<String> {
    (1usize..10, 1usize..12, any::<bool>())
        .prop_map(|(levels, fan, merge)| {
            let mut text = format!("a0: &a0 {}\n", "x".repeat(fan));
            for i in 1..levels {
                let refs = vec![format!("*a{}", i - 1); fan].join(", ");
                if merge {
                    text.push_str(&format!(
                        "a{i}: &a{i} {{<<: {{k: *a{}}}, l: [{refs}]}}\n",
                        i - 1
                    ));
                } else {
                    text.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
                }
            }
            text
        })
        .boxed()
}

/// A YAML document: well-formed ones (dumped data with YAML's tokens as strings) and soups.
pub fn yaml_text() -> BoxedStrategy<String> {
    prop_oneof![
        1 => deep_yaml(),
        1 => alias_chain(),
        1 => data(8).prop_filter_map("representable", |d| dump(&d.to_value(), &DumpOptions::to_yaml()).ok()),
        3 => text(YAML, 60),
        1 => data(3).prop_filter_map("representable", |d| dump(&d.to_value(), &DumpOptions::to_nice_yaml()).ok()),
        1 => (data(3), soup(YAML, 6), any::<prop::sample::Index>()).prop_filter_map(
            "representable",
            |(d, insert, at)| {
                let text = dump(&d.to_value(), &DumpOptions::to_yaml()).ok()?;
                let mut at = at.index(text.len() + 1);
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                Some(format!("{}{insert}{}", &text[..at], &text[at..]))
            }
        ),
    ]
    .boxed()
}

/// Strings that stress a YAML emitter: YAML 1.1 lookalikes, indicators, line breaks,
/// surrounding spaces, non-printable and non-ASCII characters.
pub fn yaml_string() -> BoxedStrategy<String> {
    prop_oneof![
        2 => any::<String>(),
        3 => soup(YAML, 6),
        1 => prop::sample::select(YAML).prop_map(str::to_string),
        1 => "[ -~]{0,120}",
        1 => "[ \n\ta-z:#'\"-]{0,30}",
    ]
    .boxed()
}

/// A float that reads back as itself (not NaN).
fn float() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>().prop_filter("not NaN", |f| !f.is_nan()),
        prop::sample::select(
            &[
                0.0,
                -0.0,
                1.0,
                0.1,
                1e16,
                1e-7,
                1e300,
                f64::INFINITY,
                f64::NEG_INFINITY
            ][..]
        ),
    ]
}

/// Loaded data: scalars, lists and maps up to `depth` levels, map keys all strings or all
/// integers (unique).
pub fn data(depth: u32) -> BoxedStrategy<Data> {
    let leaf = prop_oneof![
        Just(Data::Null),
        any::<bool>().prop_map(Data::Bool),
        any::<i64>().prop_map(|i| Data::Int(i.into())),
        prop::sample::select(&[0i128, -1, 1 << 70, -(1 << 100), i128::MAX][..]).prop_map(Data::Int),
        float().prop_map(Data::Float),
        yaml_string().prop_map(Data::Str),
        yaml_string().prop_map(Data::Str),
    ];
    leaf.prop_recursive(depth, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Data::Seq),
            prop::collection::vec((yaml_string(), inner.clone()), 0..6).prop_map(|entries| {
                let mut seen = std::collections::HashSet::new();
                Data::Map(
                    entries
                        .into_iter()
                        .filter(|(k, _)| seen.insert(k.clone()))
                        .map(|(k, v)| (Data::Str(k), v))
                        .collect(),
                )
            }),
            prop::collection::vec((any::<i64>(), inner), 0..4).prop_map(|entries| {
                let mut seen = std::collections::HashSet::new();
                Data::Map(
                    entries
                        .into_iter()
                        .filter(|(k, _)| seen.insert(*k))
                        .map(|(k, v)| (Data::Int(k.into()), v))
                        .collect(),
                )
            }),
        ]
    })
    .boxed()
}

/// A document of a known format: mappings whose keys come from `keys`, values from `leaves`
/// (or arbitrary), nested up to four levels, dumped as block YAML.
pub fn keyed_yaml(
    keys: &'static [&'static str],
    leaves: &'static [&'static str],
) -> BoxedStrategy<String> {
    let leaf = prop_oneof![
        4 => prop::sample::select(leaves).prop_map(|s| Data::Str(s.to_string())),
        1 => yaml_string().prop_map(Data::Str),
        1 => any::<i32>().prop_map(|i| Data::Int(i.into())),
        1 => any::<bool>().prop_map(Data::Bool),
        1 => Just(Data::Null),
    ];
    let tree = leaf.prop_recursive(4, 64, 6, move |inner| {
        prop_oneof![
            2 => prop::collection::vec((prop::sample::select(keys), inner.clone()), 0..6).prop_map(
                |entries| {
                    let mut seen = std::collections::HashSet::new();
                    Data::Map(
                        entries
                            .into_iter()
                            .filter(|(k, _)| seen.insert(*k))
                            .map(|(k, v)| (Data::Str(k.to_string()), v))
                            .collect(),
                    )
                }
            ),
            1 => prop::collection::vec(inner, 0..4).prop_map(Data::Seq),
        ]
    });
    let top = prop::collection::vec((prop::sample::select(keys), tree), 0..6).prop_map(|entries| {
        let mut seen = std::collections::HashSet::new();
        Data::Map(
            entries
                .into_iter()
                .filter(|(k, _)| seen.insert(*k))
                .map(|(k, v)| (Data::Str(k.to_string()), v))
                .collect(),
        )
    });
    prop_oneof![
        4 => top.prop_filter_map("representable", |d| {
            let options = DumpOptions { sort_keys: false, ..DumpOptions::to_nice_yaml() };
            dump(&d.to_value(), &options).ok()
        }),
        1 => soup(keys, 30),
    ]
    .boxed()
}

/// A secret value of at least four characters, none of whose printed forms can stand inside
/// the masker's label `<vault:sN>` (a secret `vault` would be "found" in every label).
pub fn secret_value() -> BoxedStrategy<String> {
    const PARTS: &[&str] = &[
        "pass", "w0rd", " ", "/", "+", "=", "%", "é", "\"", "\\", "\n", "'", "&", "😀", "\u{7f}",
        "\t", "?", "#", ":", "{{", "$2", "ü", "\u{2028}", "abc", "Z", "9",
    ];
    prop_oneof![any::<String>(), soup(PARTS, 8), "[ -~]{4,24}",]
        .prop_filter("usable secret", |s| {
            s.chars().count() >= 4
                && !s.contains(['<', '>'])
                && crate::forms::forms(s)
                    .iter()
                    .all(|f| !(0..10).any(|i| format!("<vault:s{i}>").contains(f.as_str())))
        })
        .boxed()
}

/// `base` with one to three random edits: a character inserted, up to eight removed, or one
/// replaced (a well-formed input just broken is where parsers' error paths live).
pub fn mutated(base: BoxedStrategy<String>) -> BoxedStrategy<String> {
    let edit = (
        any::<prop::sample::Index>(),
        0u8..3,
        any::<char>(),
        1usize..8,
    );
    (base, prop::collection::vec(edit, 1..4))
        .prop_map(|(mut s, edits)| {
            for (at, kind, c, n) in edits {
                let mut i = at.index(s.len() + 1);
                while !s.is_char_boundary(i) {
                    i -= 1;
                }
                match kind {
                    0 => s.insert(i, c),
                    1 => {
                        let end = s[i..].char_indices().nth(n).map_or(s.len(), |(j, _)| i + j);
                        s.replace_range(i..end, "");
                    }
                    _ => {
                        let end = s[i..].chars().next().map_or(i, |ch| i + ch.len_utf8());
                        s.replace_range(i..end, &c.to_string());
                    }
                }
            }
            s
        })
        .boxed()
}

/// A map of some of `fields`, each with a value of `value`.
pub fn section(fields: &'static [&'static str], value: BoxedStrategy<Data>) -> BoxedStrategy<Data> {
    prop::collection::vec(
        (prop::sample::select(fields), value),
        0..fields.len().min(8),
    )
    .prop_map(|entries| {
        let mut seen = std::collections::HashSet::new();
        Data::Map(
            entries
                .into_iter()
                .filter(|(k, _)| seen.insert(*k))
                .map(|(k, v)| (Data::Str(k.to_string()), v))
                .collect(),
        )
    })
    .boxed()
}

/// A list of up to `n` values.
pub fn list(value: BoxedStrategy<Data>, n: usize) -> BoxedStrategy<Data> {
    prop::collection::vec(value, 0..n)
        .prop_map(Data::Seq)
        .boxed()
}

/// A map from names to values, as the named `Data` keys of a section.
pub fn named(fields: &[(&'static str, BoxedStrategy<Data>)]) -> BoxedStrategy<Data> {
    let parts: Vec<BoxedStrategy<Option<(String, Data)>>> = fields
        .iter()
        .map(|(name, value)| {
            let name = (*name).to_string();
            prop::option::of(value.clone().prop_map(move |v| (name.clone(), v))).boxed()
        })
        .collect();
    parts
        .prop_map(|entries| {
            Data::Map(
                entries
                    .into_iter()
                    .flatten()
                    .map(|(k, v)| (Data::Str(k), v))
                    .collect(),
            )
        })
        .boxed()
}

/// `data` as block YAML, keys in their order.
pub fn as_yaml(data: BoxedStrategy<Data>) -> BoxedStrategy<String> {
    data.prop_filter_map("representable", |d| {
        let options = DumpOptions {
            sort_keys: false,
            ..DumpOptions::to_nice_yaml()
        };
        dump(&d.to_value(), &options).ok()
    })
    .boxed()
}
