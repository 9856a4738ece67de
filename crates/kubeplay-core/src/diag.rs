//! Diagnostics: every problem the core finds, located in the source text.

use std::fmt;

/// A position in the source text. Both numbers are 1-based; `column` counts
/// Unicode scalar values (characters), not bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    /// Line number, starting at 1.
    pub line: u32,
    /// Column number in characters, starting at 1.
    pub column: u32,
}

impl Pos {
    /// The first character of the text.
    pub const START: Pos = Pos { line: 1, column: 1 };

    /// Makes a position from 1-based line and column numbers.
    pub fn new(line: u32, column: u32) -> Pos {
        Pos { line, column }
    }
}

/// A range of source text: `start` inclusive, `end` exclusive.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// First character of the range.
    pub start: Pos,
    /// Position just after the last character of the range.
    pub end: Pos,
}

impl Span {
    /// An empty span at one position.
    pub fn at(pos: Pos) -> Span {
        Span {
            start: pos,
            end: pos,
        }
    }

    /// The span moved by `lines` lines, a two's-complement difference (so
    /// `0u32.wrapping_sub(2)` moves it up two lines).
    pub(crate) fn shifted(self, lines: u32) -> Span {
        let shift = |p: Pos| Pos::new(p.line.wrapping_add(lines), p.column);
        Span {
            start: shift(self.start),
            end: shift(self.end),
        }
    }
}

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The API server would reject this, or the text cannot be read.
    Error,
    /// Accepted by Kubernetes, but probably not what was meant.
    Warning,
    /// Worth knowing, not a problem (for example a kind that is not simulated).
    Info,
}

impl Severity {
    /// The lower-case word used in the CLI's output.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The kind of a diagnostic, named like the API server's `field.ErrorType`
/// where one applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ErrorType {
    /// `Required value`.
    Required,
    /// `Invalid value`.
    Invalid,
    /// `Duplicate value`.
    Duplicate,
    /// `Unsupported value`.
    NotSupported,
    /// `Forbidden`.
    Forbidden,
    /// `Too long`.
    TooLong,
    /// `Too many`.
    TooMany,
    /// Malformed YAML or JSON; the path is empty.
    SyntaxError,
    /// A kind or API version kubeplay reads but does not simulate.
    NotSimulated,
}

impl ErrorType {
    /// The name used in JSON output (`type`).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorType::Required => "Required",
            ErrorType::Invalid => "Invalid",
            ErrorType::Duplicate => "Duplicate",
            ErrorType::NotSupported => "NotSupported",
            ErrorType::Forbidden => "Forbidden",
            ErrorType::TooLong => "TooLong",
            ErrorType::TooMany => "TooMany",
            ErrorType::SyntaxError => "SyntaxError",
            ErrorType::NotSimulated => "NotSimulated",
        }
    }
}

/// One located finding about the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// How serious it is.
    pub severity: Severity,
    /// The Kubernetes field path (`spec.ports[0].port`), empty for syntax errors.
    pub path: String,
    /// The API server's error type.
    pub error_type: ErrorType,
    /// The message as the API server prints it after the path
    /// (`Invalid value: 80: must be ...`).
    pub message: String,
    /// Where in the source the offending field is.
    pub span: Span,
}

impl Diagnostic {
    /// Makes a diagnostic.
    pub fn new(
        severity: Severity,
        error_type: ErrorType,
        path: impl Into<String>,
        message: impl Into<String>,
        span: Span,
    ) -> Diagnostic {
        Diagnostic {
            severity,
            path: path.into(),
            error_type,
            message: message.into(),
            span,
        }
    }

    /// True for error-severity diagnostics, the ones that make `check` exit 1.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    /// `line:col: severity: path: message`, the CLI's format without the file name.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}: ",
            self.span.start.line, self.span.start.column, self.severity
        )?;
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.message)
    }
}

/// A field error as Kubernetes' validation builds it (`field.Error`): a path,
/// a type, the bad value (already printed the API server's way) and a detail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// The API server's error type.
    pub error_type: ErrorType,
    /// The field path, `spec.ports[0].port`.
    pub path: String,
    /// The offending value as the API server prints it: a string Go-quoted
    /// (`"abc"`), a number bare, a struct as JSON. `None` for error types
    /// that print no value (Required, Forbidden, TooLong, TooMany).
    pub value: Option<String>,
    /// The detail after the value, possibly empty.
    pub detail: String,
}

impl FieldError {
    /// `Required value: detail`.
    pub fn required(path: impl Into<String>, detail: impl Into<String>) -> FieldError {
        FieldError::new(ErrorType::Required, path, None, detail)
    }

    /// `Forbidden: detail`.
    pub fn forbidden(path: impl Into<String>, detail: impl Into<String>) -> FieldError {
        FieldError::new(ErrorType::Forbidden, path, None, detail)
    }

    /// `Invalid value: "text": detail` for a string value.
    pub fn invalid_str(
        path: impl Into<String>,
        value: &str,
        detail: impl Into<String>,
    ) -> FieldError {
        FieldError::new(
            ErrorType::Invalid,
            path,
            Some(crate::decode::go_quote(value)),
            detail,
        )
    }

    /// `Invalid value: 80: detail` for a number.
    pub fn invalid_int(
        path: impl Into<String>,
        value: i64,
        detail: impl Into<String>,
    ) -> FieldError {
        FieldError::new(ErrorType::Invalid, path, Some(value.to_string()), detail)
    }

    /// Makes a field error from its parts.
    pub fn new(
        error_type: ErrorType,
        path: impl Into<String>,
        value: Option<String>,
        detail: impl Into<String>,
    ) -> FieldError {
        FieldError {
            error_type,
            path: path.into(),
            value,
            detail: detail.into(),
        }
    }

    /// The message as the API server prints it after the path:
    /// `Invalid value: 80: must be between 1 and 65535, inclusive`.
    pub fn message(&self) -> String {
        let word = match self.error_type {
            ErrorType::Required => "Required value",
            ErrorType::Invalid => "Invalid value",
            ErrorType::Duplicate => "Duplicate value",
            ErrorType::NotSupported => "Unsupported value",
            ErrorType::Forbidden => "Forbidden",
            ErrorType::TooLong => "Too long",
            ErrorType::TooMany => "Too many",
            ErrorType::SyntaxError => "Syntax error",
            ErrorType::NotSimulated => "Not simulated",
        };
        let mut out = word.to_owned();
        if let Some(v) = &self.value {
            out.push_str(": ");
            out.push_str(v);
        }
        if !self.detail.is_empty() {
            out.push_str(": ");
            out.push_str(&self.detail);
        }
        out
    }
}
