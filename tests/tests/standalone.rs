//! The repository stands on its own: no tracked file points a reader at notes that live
//! outside it (design notes by their bare names, a sibling directory of the checkout, a
//! numbered issue of a tracker it does not link), and the relative links of its Markdown
//! files lead to files, and headings, that exist.
//!
//! This file is not scanned itself: it has to spell out what it looks for.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Notes that were never part of the repository, by the names they went by.
const OUTSIDE_NOTES: [&str; 4] = ["PROTOCOL", "BENCHMARKS", "DESIGN", "STYLE"];

/// The sibling directory those notes lived in, seen from a checkout. Put together from
/// its parts, so that the checker does not itself carry the path it searches for (tools
/// outside the test that look for it would otherwise find it here).
const OUTSIDE_DIRECTORY: &str = concat!("..", "/", "shared");

#[test]
fn no_tracked_file_refers_to_notes_outside_the_repository() {
    let repository = Repository::open();
    let mut offences = Vec::new();
    for file in &repository.files {
        if file == file!() {
            continue;
        }
        let Some(text) = repository.read(file) else {
            continue;
        };
        for (line, excerpt) in outside_references(file, &text, &repository) {
            offences.push(format!("{file}:{line}: {excerpt}"));
        }
    }
    assert!(
        offences.is_empty(),
        "these lines refer to documents a clone of the repository does not have; point to \
         docs/ (docs/protocol.md, docs/benchmarks.md) or say what is meant:\n{}",
        offences.join("\n")
    );
}

#[test]
fn relative_links_in_markdown_lead_to_files_and_headings_that_exist() {
    let repository = Repository::open();
    let mut headings = HashMap::new();
    let mut broken = Vec::new();
    for file in repository.files.iter().filter(|file| file.ends_with(".md")) {
        let Some(text) = repository.read(file) else {
            continue;
        };
        for (line, target) in relative_links(&text) {
            if let Err(problem) = check_link(file, &target, &repository, &mut headings) {
                broken.push(format!("{file}:{line}: ({target}) {problem}"));
            }
        }
    }
    assert!(
        broken.is_empty(),
        "broken relative links:\n{}",
        broken.join("\n")
    );
}

#[test]
fn the_checks_find_what_they_look_for() {
    let repository = Repository {
        root: PathBuf::new(),
        files: BTreeSet::from(["docs/benchmarks.md".to_owned(), "tests/js/a.mjs".to_owned()]),
    };
    let text = format!(
        "see {name}.md section 1\nsee docs/benchmarks.md\nfrom {OUTSIDE_DIRECTORY}/fixtures\n\
         the targets of issue 6\nfixes #12 and issues/34\n",
        name = OUTSIDE_NOTES[1]
    );
    let lines: Vec<usize> = outside_references("bench/run.sh", &text, &repository)
        .into_iter()
        .map(|(line, _)| line)
        .collect();
    assert_eq!(lines, [1, 3, 4]);
    // A file of the repository is fine by its real path, from the root or from beside it.
    let note = format!("{}.md", OUTSIDE_NOTES[2]);
    let with_note = Repository {
        files: BTreeSet::from([format!("docs/{note}")]),
        ..repository
    };
    assert!(outside_references("README.md", &format!("see docs/{note}"), &with_note).is_empty());
    assert!(outside_references("docs/other.md", &format!("see {note}"), &with_note).is_empty());
    assert_eq!(
        outside_references("README.md", &format!("see {note}"), &with_note).len(),
        1
    );

    let markdown = "# In process: `workload.sh`\n## Qt's reference figures\n```sh\n# not a heading\n\
                    ```\n## Qt's reference figures\nsee [a](docs/x.md#y), `[b](not/a/link)`, \
                    [c](https://example.org) and [d](#qts-reference-figures-1)\n";
    assert_eq!(
        heading_ids(markdown),
        BTreeSet::from([
            "in-process-workloadsh".to_owned(),
            "qts-reference-figures".to_owned(),
            "qts-reference-figures-1".to_owned(),
        ])
    );
    assert_eq!(
        relative_links(markdown),
        [
            (7, "docs/x.md#y".to_owned()),
            (7, "#qts-reference-figures-1".to_owned())
        ]
    );
}

/// The checkout: its root and the files git tracks in it.
struct Repository {
    root: PathBuf,
    files: BTreeSet<String>,
}

impl Repository {
    fn open() -> Self {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("the tests crate lives inside the workspace")
            .to_path_buf();
        let output = Command::new("git")
            .args(["ls-files", "-z"])
            .current_dir(&root)
            .output()
            .expect("git runs (these checks read the files git tracks)");
        assert!(
            output.status.success(),
            "git ls-files failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let files = String::from_utf8(output.stdout)
            .expect("tracked paths are UTF-8")
            .split('\0')
            .filter(|path| !path.is_empty())
            .map(str::to_owned)
            .collect();
        Self { root, files }
    }

    /// The text of a tracked file; `None` for binary files and files deleted from the
    /// working tree.
    fn read(&self, file: &str) -> Option<String> {
        String::from_utf8(std::fs::read(self.root.join(file)).ok()?).ok()
    }

    /// Whether `path` (relative to the root) is a tracked file or a directory holding one.
    fn has(&self, path: &str) -> bool {
        let directory = format!("{path}/");
        self.files.contains(path)
            || self
                .files
                .range(directory.clone()..)
                .next()
                .is_some_and(|file| file.starts_with(&directory))
    }

    /// Whether `reference`, as written in `file`, names something in the repository: read
    /// from the root or from the file's own directory.
    fn resolves(&self, file: &str, reference: &str) -> bool {
        [String::new(), directory_of(file)]
            .iter()
            .filter_map(|base| join(base, reference))
            .any(|path| self.has(&path))
    }
}

/// Lines of `text` (the contents of `file`) that refer outside the repository: numbered
/// from 1, with the line trimmed.
fn outside_references(file: &str, text: &str, repository: &Repository) -> Vec<(usize, String)> {
    let notes: Vec<String> = OUTSIDE_NOTES
        .iter()
        .map(|name| format!("{name}.md"))
        .collect();
    let mut found = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let names_outside = notes
            .iter()
            .map(String::as_str)
            .chain([OUTSIDE_DIRECTORY])
            .flat_map(|needle| line.match_indices(needle))
            .any(|(at, needle)| !repository.resolves(file, path_around(line, at, needle.len())));
        if names_outside || cites_an_issue(line) {
            found.push((index + 1, line.trim().to_owned()));
        }
    }
    found
}

/// The path-like word around `line[at..at + len]`.
fn path_around(line: &str, at: usize, len: usize) -> &str {
    let is_path = |c: char| c.is_ascii_alphanumeric() || "._-/".contains(c);
    let start = line[..at]
        .rfind(|c: char| !is_path(c))
        .map_or(0, |position| position + 1);
    let end = line[at + len..]
        .find(|c: char| !is_path(c))
        .map_or(line.len(), |position| at + len + position);
    &line[start..end]
}

/// Whether the line cites a numbered issue ("issue 6", "issues #12"), which only the
/// tracker it was filed in can explain.
fn cites_an_issue(line: &str) -> bool {
    let lower = line.to_lowercase();
    lower.match_indices("issue").any(|(at, _)| {
        let starts_word = lower[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        let rest = lower[at + "issue".len()..].trim_start_matches('s');
        let rest = rest.strip_prefix(' ').unwrap_or(rest);
        let rest = rest.strip_prefix('#').unwrap_or(rest);
        starts_word && rest.starts_with(|c: char| c.is_ascii_digit())
    })
}

/// Relative link targets of a Markdown text, with their line numbers; code blocks and
/// code spans are left out, and so are links with a scheme.
fn relative_links(text: &str) -> Vec<(usize, String)> {
    let mut links = Vec::new();
    for (index, line) in prose_lines(text) {
        let line = without_code_spans(line);
        let mut rest = line.as_str();
        while let Some(at) = rest.find("](") {
            rest = &rest[at + 2..];
            let Some(end) = rest.find(')') else {
                break;
            };
            let target = rest[..end].split_whitespace().next().unwrap_or_default();
            if !target.is_empty() && !target.contains("://") && !target.starts_with("mailto:") {
                links.push((index + 1, target.to_owned()));
            }
            rest = &rest[end..];
        }
    }
    links
}

/// Whether a relative link from `file` leads somewhere: a tracked file or directory and,
/// for a heading in a Markdown file, a heading with that id.
fn check_link(
    file: &str,
    target: &str,
    repository: &Repository,
    headings: &mut HashMap<String, BTreeSet<String>>,
) -> Result<(), String> {
    let (path, anchor) = target.split_once('#').unwrap_or((target, ""));
    let path = if path.is_empty() {
        file.to_owned()
    } else {
        join(&directory_of(file), path).ok_or("leads out of the repository")?
    };
    if !repository.has(&path) {
        return Err(format!("{path} is not a file of the repository"));
    }
    if anchor.is_empty() || !path.ends_with(".md") {
        return Ok(());
    }
    let ids = headings
        .entry(path.clone())
        .or_insert_with(|| heading_ids(&repository.read(&path).unwrap_or_default()));
    if ids.contains(anchor) {
        Ok(())
    } else {
        Err(format!("{path} has no heading #{anchor}"))
    }
}

/// The ids GitHub gives the headings of a Markdown text: the heading's text in lower case,
/// without punctuation, spaces as hyphens, and `-1`, `-2`, ... for repeats.
fn heading_ids(text: &str) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    for (_, line) in prose_lines(text) {
        let Some(heading) = line.strip_prefix('#') else {
            continue;
        };
        let heading = heading.trim_start_matches('#');
        if !heading.starts_with(' ') {
            continue;
        }
        let id: String = without_link_targets(heading.trim())
            .to_lowercase()
            .chars()
            .filter(|&c| c.is_alphanumeric() || c == '_' || c == '-' || c == ' ')
            .map(|c| if c == ' ' { '-' } else { c })
            .collect();
        let mut unique = id.clone();
        let mut repeat = 0;
        while !ids.insert(unique.clone()) {
            repeat += 1;
            unique = format!("{id}-{repeat}");
        }
    }
    ids
}

/// The lines outside fenced code blocks, numbered from 0.
fn prose_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut in_code = false;
    text.lines().enumerate().filter(move |(_, line)| {
        let fence = line.trim_start().starts_with("```") || line.trim_start().starts_with("~~~");
        if fence {
            in_code = !in_code;
        }
        !fence && !in_code
    })
}

/// The line without its `code spans`.
fn without_code_spans(line: &str) -> String {
    line.split('`').step_by(2).collect()
}

/// A heading's text as rendered: `[text](target)` becomes `text`.
fn without_link_targets(heading: &str) -> String {
    let mut text = String::new();
    let mut rest = heading;
    while let Some(at) = rest.find("](") {
        text.push_str(&rest[..at]);
        rest = rest[at..].find(')').map_or("", |end| &rest[at + end + 1..]);
    }
    text.push_str(rest);
    text
}

/// The directory of a repository path (`""` for the root).
fn directory_of(file: &str) -> String {
    file.rsplit_once('/')
        .map_or(String::new(), |(directory, _)| directory.to_owned())
}

/// `relative` read from `base`, both relative to the root; `None` when it leaves the root.
fn join(base: &str, relative: &str) -> Option<String> {
    let mut parts: Vec<&str> = base.split('/').filter(|part| !part.is_empty()).collect();
    for part in relative.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    Some(parts.join("/"))
}
