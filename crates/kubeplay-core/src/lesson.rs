//! Lessons: the `lesson.md` format (YAML front matter, then one `## ` section
//! per step) and the small Markdown subset its text is written in.
//!
//! The format is documented for authors in `web/lessons/README.md`. Reading
//! is strict: an unknown key or a malformed goal is a [`Problem`] at its line
//! of `lesson.md`, so a typo cannot silently make a goal always pass.

pub use crate::goal::Problem;
use crate::goal::{self, Goal};
use crate::yaml::{Node, Value};

/// One lesson, read from its folder.
#[derive(Clone, Debug, PartialEq)]
pub struct Lesson {
    /// The folder name, used in `#lesson=ID`.
    pub id: String,
    /// The title.
    pub title: String,
    /// Where it sorts in the list (smaller first; ties by id).
    pub order: i64,
    /// One sentence for the list of lessons.
    pub summary: String,
    /// The steps, in order.
    pub steps: Vec<Step>,
    /// What the learner must achieve, checked on the live cluster.
    pub goal: Goal,
    /// Hints, shown one at a time (Markdown inline).
    pub hints: Vec<String>,
    /// The manifest the lesson starts from.
    pub start: String,
    /// A manifest that meets the goal.
    pub solution: String,
}

/// One step: a heading and its Markdown body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// The `## ` heading's text.
    pub title: String,
    /// The body's blocks.
    pub body: Vec<Block>,
}

/// A block of the Markdown subset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    /// A paragraph.
    Paragraph(Vec<Inline>),
    /// A `- ` bullet list, one item per entry.
    List(Vec<Vec<Inline>>),
    /// A fenced code block (` ``` `), verbatim.
    Code(String),
}

/// A span of inline Markdown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Inline {
    /// Plain text.
    Text(String),
    /// `` `code` ``.
    Code(String),
    /// `**strong**`.
    Strong(String),
    /// `*emphasis*`.
    Emphasis(String),
}

/// The keys a lesson's front matter may have.
const KEYS: [&str; 5] = ["title", "order", "summary", "goal", "hints"];

/// Reads a lesson from its three files. Problems carry the line of
/// `lesson.md` they are on.
pub fn parse(
    id: &str,
    lesson_md: &str,
    start: &str,
    solution: &str,
) -> Result<Lesson, Vec<Problem>> {
    let text = crate::yaml::normalise_newlines(lesson_md);
    let lines: Vec<&str> = text.lines().collect();
    let at = |line: usize, message: &str| Problem {
        line: u32::try_from(line).unwrap_or(u32::MAX),
        message: message.to_owned(),
    };
    if lines.first().map(|l| l.trim_end()) != Some("---") {
        return Err(vec![at(
            1,
            "lesson.md must start with a `---` line opening the front matter",
        )]);
    }
    let Some(close) = lines.iter().skip(1).position(|l| l.trim_end() == "---") else {
        return Err(vec![at(
            1,
            "the front matter is not closed by a `---` line",
        )]);
    };
    let close = close + 1;
    // Front matter lines are 2..=close; the YAML reader counts from 1, so
    // every problem it reports is one line early.
    let front = lines[1..close].join("\n");
    let (docs, diags) = crate::yaml::parse_stream(&front);
    let mut problems: Vec<Problem> = diags
        .iter()
        .map(|d| at(d.span.start.line as usize + 1, &d.message))
        .collect();
    let root = docs.into_iter().next().map(|d| d.root);
    let mut lesson = Lesson {
        id: id.to_owned(),
        title: String::new(),
        order: 0,
        summary: String::new(),
        steps: Vec::new(),
        goal: Goal {
            text: String::new(),
            checks: Vec::new(),
        },
        hints: Vec::new(),
        start: start.to_owned(),
        solution: solution.to_owned(),
    };
    match root.as_ref().map(|r| (r, &r.value)) {
        Some((root, Value::Map(entries))) => {
            let mut local = Vec::new();
            for e in entries {
                let key = e.key.key_text();
                if !KEYS.contains(&key.as_str()) {
                    local.push(Problem {
                        line: e.key.span.start.line,
                        message: format!(
                            "unknown key `{key}` in the front matter (allowed: {})",
                            KEYS.join(", ")
                        ),
                    });
                }
            }
            match root.get("title").and_then(Node::as_str) {
                Some(t) if !t.trim().is_empty() => lesson.title = t.trim().to_owned(),
                _ => local.push(Problem {
                    line: root.span.start.line,
                    message: "the front matter needs `title:`".to_owned(),
                }),
            }
            lesson.summary = root
                .get("summary")
                .and_then(Node::as_str)
                .unwrap_or_default()
                .to_owned();
            match root.get("order").map(|n| (n, &n.value)) {
                Some((_, Value::Int(i))) => lesson.order = *i,
                Some((n, _)) => local.push(Problem {
                    line: n.span.start.line,
                    message: "`order` must be a whole number".to_owned(),
                }),
                None => {}
            }
            match root.get("hints").map(|n| (n, &n.value)) {
                Some((_, Value::Seq(items))) => {
                    for h in items {
                        match h.as_str() {
                            Some(s) => lesson.hints.push(s.to_owned()),
                            None => local.push(Problem {
                                line: h.span.start.line,
                                message: "a hint must be a string".to_owned(),
                            }),
                        }
                    }
                }
                Some((n, _)) => local.push(Problem {
                    line: n.span.start.line,
                    message: "`hints` must be a list of strings".to_owned(),
                }),
                None => {}
            }
            match root.get("goal") {
                Some(g) => match goal::parse(g) {
                    Ok(g) => lesson.goal = g,
                    Err(e) => local.extend(e),
                },
                None => local.push(Problem {
                    line: root.span.start.line,
                    message: "the front matter needs `goal:`".to_owned(),
                }),
            }
            problems.extend(local.into_iter().map(|p| Problem {
                line: p.line + 1,
                ..p
            }));
        }
        _ => problems.push(at(2, "the front matter must be a YAML mapping")),
    }
    // The body: `## ` headings start steps (not inside a fenced block, where
    // `## ` is a YAML comment).
    let mut current: Option<(String, Vec<&str>)> = None;
    let mut fenced = false;
    for (i, line) in lines.iter().enumerate().skip(close + 1) {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
        }
        if let Some(title) = line.strip_prefix("## ").filter(|_| !fenced) {
            if let Some((t, body)) = current.take() {
                lesson.steps.push(Step {
                    title: t,
                    body: blocks(&body),
                });
            }
            current = Some((title.trim().to_owned(), Vec::new()));
        } else if let Some((_, body)) = current.as_mut() {
            body.push(line);
        } else if !line.trim().is_empty() {
            problems.push(at(i + 1, "text before the first `## ` step heading"));
        }
    }
    if let Some((t, body)) = current {
        lesson.steps.push(Step {
            title: t,
            body: blocks(&body),
        });
    }
    if lesson.steps.is_empty() {
        problems.push(at(close + 1, "a lesson needs at least one `## ` step"));
    }
    if problems.is_empty() {
        Ok(lesson)
    } else {
        crate::order::sort_by_key(&mut problems, |p| p.line);
        Err(problems)
    }
}

/// Splits Markdown lines into blocks: fenced code, `- ` lists, paragraphs.
pub fn blocks(lines: &[&str]) -> Vec<Block> {
    let mut out = Vec::new();
    let mut para: Vec<&str> = Vec::new();
    let mut list: Vec<String> = Vec::new();
    let mut code: Option<Vec<&str>> = None;
    let flush = |para: &mut Vec<&str>, list: &mut Vec<String>, out: &mut Vec<Block>| {
        if !para.is_empty() {
            out.push(Block::Paragraph(inline(&para.join(" "))));
            para.clear();
        }
        if !list.is_empty() {
            out.push(Block::List(list.iter().map(|i| inline(i)).collect()));
            list.clear();
        }
    };
    for line in lines {
        if let Some(c) = code.as_mut() {
            if line.trim_start().starts_with("```") {
                out.push(Block::Code(c.join("\n")));
                code = None;
            } else {
                c.push(line);
            }
            continue;
        }
        let t = line.trim();
        if t.starts_with("```") {
            flush(&mut para, &mut list, &mut out);
            code = Some(Vec::new());
        } else if t.is_empty() {
            flush(&mut para, &mut list, &mut out);
        } else if let Some(item) = t.strip_prefix("- ") {
            if !para.is_empty() {
                flush(&mut para, &mut list, &mut out);
            }
            list.push(item.to_owned());
        } else if !list.is_empty() && line.starts_with(' ') {
            // A continuation line of the last list item.
            if let Some(last) = list.last_mut() {
                last.push(' ');
                last.push_str(t);
            }
        } else {
            if !list.is_empty() {
                flush(&mut para, &mut list, &mut out);
            }
            para.push(t);
        }
    }
    if let Some(c) = code {
        out.push(Block::Code(c.join("\n")));
    }
    flush(&mut para, &mut list, &mut out);
    out
}

/// Splits one line of inline Markdown into spans. An unmatched marker is
/// kept as text.
pub fn inline(text: &str) -> Vec<Inline> {
    let mut out = Vec::new();
    let mut plain = String::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let span = match c {
            '`' => rest[1..]
                .find('`')
                .map(|end| (Inline::Code(rest[1..1 + end].to_owned()), end + 2)),
            '*' if rest.starts_with("**") => rest[2..]
                .find("**")
                .filter(|end| *end > 0)
                .map(|end| (Inline::Strong(rest[2..2 + end].to_owned()), end + 4)),
            '*' => rest[1..]
                .find('*')
                .filter(|end| *end > 0)
                .map(|end| (Inline::Emphasis(rest[1..1 + end].to_owned()), end + 2)),
            _ => None,
        };
        match span {
            Some((span, len)) => {
                if !plain.is_empty() {
                    out.push(Inline::Text(std::mem::take(&mut plain)));
                }
                out.push(span);
                rest = &rest[len..];
            }
            None => {
                plain.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    if !plain.is_empty() {
        out.push(Inline::Text(plain));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "---\ntitle: T\norder: 3\ngoal:\n  text: Do it.\n  checks:\n  - no-diagnostics: error\nhints:\n- Look at `spec`.\n---\n## One\nSome *text* and `code`.\n\n- a\n- b **c**\n## Two\n```yaml\nkind: Service\n```\n";

    #[test]
    fn a_lesson_reads() {
        let l = parse("x", GOOD, "", "").expect("valid");
        assert_eq!((l.title.as_str(), l.order, l.steps.len()), ("T", 3, 2));
        assert_eq!(l.hints, vec!["Look at `spec`.".to_owned()]);
        assert_eq!(
            l.steps[0].body,
            vec![
                Block::Paragraph(vec![
                    Inline::Text("Some ".into()),
                    Inline::Emphasis("text".into()),
                    Inline::Text(" and ".into()),
                    Inline::Code("code".into()),
                    Inline::Text(".".into()),
                ]),
                Block::List(vec![
                    vec![Inline::Text("a".into())],
                    vec![Inline::Text("b ".into()), Inline::Strong("c".into())],
                ]),
            ]
        );
        assert_eq!(l.steps[1].body, vec![Block::Code("kind: Service".into())]);
        let fenced = GOOD.replace("kind: Service", "## a YAML comment\nkind: Service");
        let l = parse("x", &fenced, "", "").expect("valid");
        assert_eq!(
            l.steps.len(),
            2,
            "a `## ` line inside a fence is not a step"
        );
        assert_eq!(
            l.steps[1].body,
            vec![Block::Code("## a YAML comment\nkind: Service".into())]
        );
    }

    #[test]
    fn problems_carry_the_line_of_lesson_md() {
        let bad = GOOD
            .replace("order: 3", "order: 3\ndifficulty: easy")
            .replace(
                "  - no-diagnostics: error",
                "  - no-diagnostics: error\n    extra: 1",
            );
        let e = parse("x", &bad, "", "").expect_err("invalid");
        let lines: Vec<u32> = e.iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![4, 9], "{e:?}");
        assert!(e[0].message.contains("difficulty"));
        assert!(e[1].message.contains("extra"));
    }

    #[test]
    fn unmatched_markers_stay_text() {
        assert_eq!(inline("2 * 3 `x"), vec![Inline::Text("2 * 3 `x".into())]);
    }
}
