//! `upstream read findings|interventions [TEXT|-] [--json]`: the reader of the clinic's
//! words, for scripts. With `-`, one text per input line and one JSON object per output
//! line. Text that cannot be read is reported, never a failure: the exit status is 2 only
//! for input that is not text at all.

use std::io::{BufRead, Write};

use clap::{Args, ValueEnum};
use serde::Serialize;

use crate::model::reader::{self, Lexicon, Reading};
use crate::model::{Side, Vocabulary};

use super::{CliError, stdout_error};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReadWhat {
    Findings,
    Interventions,
}

#[derive(Debug, Args)]
pub struct ReadArgs {
    /// What to read the text as
    what: ReadWhat,
    /// The text; `-` reads one text per line from standard input
    text: String,
    /// The side the line sits under ("L knee:"), for phrases that say none
    #[arg(long, value_parser = parse_side)]
    side: Option<Side>,
    /// One JSON object per text
    #[arg(long)]
    json: bool,
}

fn parse_side(text: &str) -> Result<Side, String> {
    match text.to_lowercase().as_str() {
        "l" | "left" => Ok(Side::Left),
        "r" | "right" => Ok(Side::Right),
        "bilat" | "bilateral" | "b" => Ok(Side::Bilateral),
        "midline" => Ok(Side::Midline),
        other => Err(format!(
            "`{other}` is not a side (left, right, bilateral, midline)"
        )),
    }
}

pub fn read(args: &ReadArgs, out: &mut impl Write) -> Result<(), CliError> {
    let vocabulary = Vocabulary::builtin();
    let lexicon = Lexicon::builtin();
    let texts: Vec<String> = if args.text == "-" {
        let mut lines = Vec::new();
        for line in std::io::stdin().lock().lines() {
            lines.push(line.map_err(|error| {
                CliError::Usage(format!("standard input is not text: {error}"))
            })?);
        }
        lines
    } else {
        vec![args.text.clone()]
    };
    for text in &texts {
        match args.what {
            ReadWhat::Findings => {
                let reading = reader::read_findings(text, args.side, vocabulary, lexicon);
                if args.json {
                    json_line(out, &reading)?;
                } else {
                    human(out, &reading, vocabulary).map_err(stdout_error)?;
                }
            }
            ReadWhat::Interventions => {
                let reading = reader::read_interventions(text, vocabulary, lexicon);
                if args.json {
                    json_line(out, &reading)?;
                } else {
                    for item in &reading.items {
                        writeln!(
                            out,
                            "read    {}    <- `{}`",
                            item.intervention.describe(),
                            &reading.text[item.span[0]..item.span[1]]
                        )
                        .map_err(stdout_error)?;
                    }
                    for question in &reading.questions {
                        writeln!(out, "ask     {}    <- `{}`", question.ask, question.text)
                            .map_err(stdout_error)?;
                    }
                    for unread in &reading.unread {
                        writeln!(out, "unread  `{}`: {}", unread.text, unread.why)
                            .map_err(stdout_error)?;
                    }
                }
            }
        }
    }
    Ok(())
}

fn json_line<T: Serialize>(out: &mut impl Write, value: &T) -> Result<(), CliError> {
    serde_json::to_writer(&mut *out, value).map_err(|error| stdout_error(error.into()))?;
    writeln!(out).map_err(stdout_error)
}

fn human(out: &mut impl Write, reading: &Reading, vocabulary: &Vocabulary) -> std::io::Result<()> {
    for item in &reading.items {
        writeln!(
            out,
            "read    {}    <- `{}`",
            item.finding.describe(vocabulary),
            &reading.text[item.span[0]..item.span[1]]
        )?;
    }
    for question in &reading.questions {
        writeln!(out, "ask     {}    <- `{}`", question.ask, question.text)?;
    }
    for unread in &reading.unread {
        writeln!(out, "unread  `{}`: {}", unread.text, unread.why)?;
    }
    Ok(())
}
