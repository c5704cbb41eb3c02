//! `upstream reason` and `upstream kb`: the referral reasoner from the command line, on a
//! case or (with `--patient`) on a patient's whole course of visits.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::model::vocabulary::{
    FINDING_KINDS_FILE, HISTORY_FLAGS_FILE, REGIONS_FILE, VocabularySources,
};
use crate::model::{PatientId, Vocabulary};
use crate::reasoner::input::parse_case;
use crate::reasoner::knowledge::{
    KnowledgeFiles, PRIORS_FILE, RED_FLAGS_FILE, SOURCE_FILES, WARNING_SIGNS_FILE,
};
use crate::reasoner::wording::{Brackets, FindingWords};
use crate::reasoner::{Assessment, Case, Course, KnowledgeBase, Reasoner};

use super::CliError;

#[derive(Debug, Clone, clap::Args)]
pub struct ReasonArgs {
    /// A case as JSON (`-` for standard input)
    pub file: Option<PathBuf>,
    /// Read a patient's visits together from the notebook: trajectories and insights
    #[arg(long, value_name = "ID", conflicts_with_all = ["file", "text", "human"])]
    pub patient: Option<i64>,
    /// With --patient: print JSON rather than for a person
    #[arg(long, requires = "patient")]
    pub json: bool,
    /// Findings in charting shorthand: "R calf tight; fasciculations R calf; R lat ankle pain 4/10"
    #[arg(long)]
    pub text: Option<String>,
    /// The patient's age, for --text
    #[arg(long)]
    pub age: Option<u32>,
    /// The patient's sex, for --text
    #[arg(long)]
    pub sex: Option<String>,
    /// A history flag, for --text (repeatable): "cancer history", "anticoagulants"
    #[arg(long)]
    pub history: Vec<String>,
    /// Print for a person rather than as JSON
    #[arg(long)]
    pub human: bool,
}

#[derive(Debug, Clone, clap::Subcommand)]
pub enum KbCommand {
    /// Validate the knowledge base: codes, citations, ids, sides
    Check {
        /// A folder holding the knowledge files [default: the copy built into this binary]
        dir: Option<PathBuf>,
    },
    /// List regions, finding kinds, sources, red flags and citations
    List {
        #[arg(long)]
        json: bool,
    },
}

pub fn reason(args: &ReasonArgs, db: Option<&Path>, out: &mut impl Write) -> Result<(), CliError> {
    if let Some(id) = args.patient {
        return course(PatientId(id), args.json, db, out);
    }
    let reasoner = Reasoner::builtin();
    let vocabulary = &reasoner.knowledge().vocabulary;
    let mut case = match &args.file {
        Some(path) => {
            let text = read_input(path)?;
            parse_case(&text, vocabulary)
                .map_err(|error| CliError::Usage(format!("{}: {error}", path.display())))?
        }
        None => Case::default(),
    };
    // The text is read as the window's quick entry reads it: what is not read, and what
    // would have to be asked, is reported beside the assessment, never a refusal.
    let reading = args.text.as_ref().map(|text| {
        crate::model::reader::read_findings(
            text,
            None,
            vocabulary,
            crate::model::reader::Lexicon::builtin(),
        )
    });
    if let Some(reading) = &reading {
        case.findings
            .extend(reading.items.iter().map(|item| item.finding.clone()));
    }
    if args.file.is_none() && args.text.is_none() {
        return Err(CliError::Usage(
            "give a case file (or - for standard input), or --text".into(),
        ));
    }
    if args.age.is_some() {
        case.age = args.age;
    }
    if let Some(sex) = &args.sex {
        let json = format!(
            "{{\"patient\": {{\"sex\": {}}}}}",
            serde_json::Value::from(sex.as_str())
        );
        case.sex = parse_case(&json, vocabulary)
            .map_err(|e| CliError::Usage(format!("--sex: {e}")))?
            .sex;
    }
    let history = crate::model::reader::read_history(&args.history, vocabulary);
    for code in history.codes {
        if !case.history.contains(&code) {
            case.history.push(code);
        }
    }
    case.history_kept.extend(history.kept);
    let assessment = reasoner.assess(&case);
    let write_error = |e: std::io::Error| CliError::Io {
        path: PathBuf::from("<stdout>"),
        source: e,
    };
    if args.human {
        print_human(out, &case, &assessment, vocabulary).map_err(write_error)?;
        if let Some(reading) = &reading {
            for question in &reading.questions {
                writeln!(
                    out,
                    "Not used, to ask: {} (`{}`)",
                    question.ask, question.text
                )
                .map_err(write_error)?;
            }
            let lexicon = crate::model::reader::Lexicon::builtin();
            for unread in &reading.unread {
                let hint = Some(&unread.text)
                    .filter(|_| unread.why.starts_with("not a word"))
                    .and_then(|word| lexicon.suggest(word))
                    .map(|known| format!("; did you mean `{known}`?"))
                    .unwrap_or_default();
                writeln!(out, "Not read: `{}`: {}{hint}", unread.text, unread.why)
                    .map_err(write_error)?;
            }
        }
        for kept in &case.history_kept {
            writeln!(out, "History kept as written (no known condition): {kept}")
                .map_err(write_error)?;
        }
        Ok(())
    } else {
        let mut value = serde_json::to_value(&assessment).map_err(|e| write_error(e.into()))?;
        if let Some(object) = value.as_object_mut() {
            let findings: Vec<String> = case
                .findings
                .iter()
                .map(|f| f.describe(vocabulary))
                .collect();
            object.insert("findings".into(), findings.into());
            if let Some(reading) = &reading {
                let unread = serde_json::to_value(&reading.unread).unwrap_or_default();
                let questions = serde_json::to_value(&reading.questions).unwrap_or_default();
                object.insert("unread".into(), unread);
                object.insert("questions".into(), questions);
            }
            object.insert(
                "history_kept".into(),
                serde_json::Value::from(case.history_kept.clone()),
            );
        }
        serde_json::to_writer_pretty(&mut *out, &value).map_err(|e| write_error(e.into()))?;
        writeln!(out).map_err(write_error)
    }
}

/// `upstream reason --patient ID`: the patient's course, read together.
fn course(
    id: PatientId,
    json: bool,
    db: Option<&Path>,
    out: &mut impl Write,
) -> Result<(), CliError> {
    let path = super::database_path(db.map(Path::to_path_buf))?;
    let store = super::records::open(&path)?;
    let patient = store.patient(id)?;
    let timeline = store.timeline(patient.id)?;
    let course = Reasoner::builtin().course_of(&patient, &timeline);
    let write_error = |e: std::io::Error| CliError::Io {
        path: PathBuf::from("<stdout>"),
        source: e,
    };
    if json {
        let value = serde_json::json!({
            "patient": {"id": patient.id, "name": patient.name},
            "visits": timeline.len(),
            "trajectories": course.trajectories,
            "insights": course.insights,
        });
        serde_json::to_writer_pretty(&mut *out, &value).map_err(|e| write_error(e.into()))?;
        writeln!(out).map_err(write_error)
    } else {
        let span = match (timeline.first(), timeline.last()) {
            (Some(first), Some(last)) => format!(
                ", {} to {}",
                first.visit.started_at.format("%Y-%m-%d"),
                last.visit.started_at.format("%Y-%m-%d")
            ),
            _ => String::new(),
        };
        writeln!(
            out,
            "{} (id {}): {} visit{}{span}",
            patient.name,
            patient.id,
            timeline.len(),
            if timeline.len() == 1 { "" } else { "s" }
        )
        .map_err(write_error)?;
        print_course(out, &course).map_err(write_error)
    }
}

fn print_course(out: &mut impl Write, course: &Course) -> std::io::Result<()> {
    writeln!(out, "\nINSIGHTS (by the visit where each first held)")?;
    if course.insights.is_empty() {
        writeln!(out, "  Nothing across these visits calls for attention.")?;
    }
    for insight in &course.insights {
        let held = if insight.first_held == insight.last_held {
            format!("held {}", insight.first_held.date)
        } else {
            format!(
                "held {} to {}",
                insight.first_held.date, insight.last_held.date
            )
        };
        writeln!(
            out,
            "\n  [{}] {}: {}",
            insight.first_held.date,
            insight.kind.label(),
            insight.headline
        )?;
        for detail in &insight.details {
            writeln!(out, "     - {detail}")?;
        }
        for more in &insight.more {
            writeln!(out, "     {more}")?;
        }
        writeln!(out, "     ({held})")?;
        if !insight.citations.is_empty() {
            writeln!(out, "     source: {}", insight.citations.join("; "))?;
        }
    }
    writeln!(out, "\nTRAJECTORIES (0-10; a change of 2 or more is real)")?;
    if course.trajectories.is_empty() {
        writeln!(out, "  No symptom was rated at these visits.")?;
    }
    for trajectory in &course.trajectories {
        let values: Vec<String> = trajectory
            .points
            .iter()
            .map(|p| p.intensity.to_string())
            .collect();
        writeln!(
            out,
            "\n  {}: {} ({})",
            trajectory.label,
            trajectory.trend.label(),
            values.join(" -> ")
        )?;
        for point in &trajectory.points {
            let mut line = format!("    {}  {:>2}/10", point.date, point.intensity);
            if !point.local.is_empty() {
                let texts: Vec<&str> = point.local.iter().map(|t| t.text.as_str()).collect();
                line.push_str(&format!("  local: {}", texts.join("; ")));
            }
            if !point.remote.is_empty() {
                let texts: Vec<String> = point
                    .remote
                    .iter()
                    .map(|t| format!("{} [{}]", t.text, t.sources.join(", ")))
                    .collect();
                line.push_str(&format!("  remote: {}", texts.join("; ")));
            }
            writeln!(out, "{line}")?;
        }
    }
    Ok(())
}

fn read_input(path: &Path) -> Result<String, CliError> {
    let mut text = String::new();
    let result = if path.as_os_str() == "-" {
        std::io::stdin().read_to_string(&mut text).map(|_| ())
    } else {
        std::fs::read_to_string(path).map(|t| text = t)
    };
    result.map_err(|source| CliError::Io {
        path: path.to_owned(),
        source,
    })?;
    Ok(text)
}

fn bar(score: f64) -> String {
    let filled = (score.clamp(0.0, 1.0) * 20.0).round() as usize;
    format!("{}{}", "#".repeat(filled), ".".repeat(20 - filled))
}

fn print_human(
    out: &mut impl Write,
    case: &Case,
    assessment: &Assessment,
    vocabulary: &Vocabulary,
) -> std::io::Result<()> {
    let words = FindingWords {
        findings: &case.findings,
        vocabulary,
    };
    if assessment.red_flags.is_empty() {
        writeln!(out, "No red flags raised by these findings.")?;
    } else {
        writeln!(out, "RED FLAGS: stop and refer")?;
        for flag in &assessment.red_flags {
            writeln!(out, "  !! {} -- {}", flag.urgency.label(), flag.title)?;
            writeln!(out, "     refer to: {}", flag.refer_to)?;
            if !flag.avoid.is_empty() {
                writeln!(out, "     meanwhile avoid: {}", flag.avoid.join("; "))?;
            }
            writeln!(out, "     why: {}", flag.why)?;
            writeln!(out, "     raised by: {}", words.list(&flag.findings))?;
            if !flag.against.is_empty() {
                writeln!(out, "     against it: {}", words.list(&flag.against))?;
            }
        }
    }
    if !assessment.to_screen.is_empty() {
        writeln!(out, "\nTO SCREEN: not raised; settle these before treating")?;
        for flag in &assessment.to_screen {
            writeln!(out, "  ?? {}", flag.title())?;
            if !flag.findings.is_empty() {
                writeln!(out, "     because of: {}", words.list(&flag.findings))?;
            }
            if !flag.against.is_empty() {
                writeln!(out, "     against it: {}", words.list(&flag.against))?;
            }
            for ask in &flag.ask {
                writeln!(out, "     - {ask}")?;
            }
        }
    }
    writeln!(out, "\nHYPOTHESES (best first; the clinician decides)")?;
    if assessment.hypotheses.is_empty() {
        writeln!(
            out,
            "  No source in the knowledge base explains these findings."
        )?;
    } else {
        writeln!(out, "  {}", crate::reasoner::SCORE_MEANING)?;
    }
    for (rank, hypothesis) in assessment.hypotheses.iter().take(8).enumerate() {
        writeln!(
            out,
            "  {} {}",
            hypothesis.title(rank),
            bar(hypothesis.score)
        )?;
        let evidence = hypothesis.evidence(words, Brackets::Square);
        writeln!(out, "     explains: {}", evidence.explains)?;
        if let Some(unexplained) = &evidence.unexplained {
            // Each with the reported source that explains it, when one does.
            writeln!(out, "     leaves unexplained: {unexplained}")?;
        }
        if let Some(against) = &evidence.against {
            // Each with how much its absence counts: x0.3 weighs more than x0.9.
            writeln!(out, "     against it: {against}")?;
        }
        writeln!(out, "     check: {}", hypothesis.check)?;
        writeln!(out, "     source: {}", hypothesis.citations.join("; "))?;
    }
    if let Some(cover) = assessment.covers.first()
        && cover.len() > 1
    {
        writeln!(
            out,
            "\nTOGETHER: no single source explains everything; {} do.",
            cover.join(" + ")
        )?;
    }
    if let Some(check) = &assessment.next_check {
        writeln!(out, "\nBEST NEXT CHECK: {}\n  {}", check.exam, check.why)?;
    }
    Ok(())
}

/// Loads the knowledge base from a folder of files, or the built-in copy.
pub fn load_knowledge(dir: Option<&Path>) -> Result<KnowledgeBase, CliError> {
    let Some(dir) = dir else {
        let vocabulary = Vocabulary::load(VocabularySources::BUILTIN)
            .map_err(|e| CliError::Usage(e.to_string()))?;
        return KnowledgeBase::load(vocabulary, &KnowledgeFiles::builtin())
            .map_err(|e| CliError::Usage(e.to_string()));
    };
    let read = |name: &str| -> Result<(String, String), CliError> {
        let file = Path::new(name)
            .file_name()
            .map_or_else(|| name.into(), |f| dir.join(f));
        let text = std::fs::read_to_string(&file).map_err(|source| CliError::Io {
            path: file.clone(),
            source,
        })?;
        Ok((file.display().to_string(), text))
    };
    let regions = read(REGIONS_FILE)?;
    let kinds = read(FINDING_KINDS_FILE)?;
    let history = read(HISTORY_FLAGS_FILE)?;
    let vocabulary = Vocabulary::load(VocabularySources {
        regions: &regions.1,
        finding_kinds: &kinds.1,
        history_flags: &history.1,
    })
    .map_err(|e| CliError::Usage(e.to_string()))?;
    let sources: Vec<(String, String)> = SOURCE_FILES
        .iter()
        .map(|(name, _)| read(name))
        .collect::<Result<_, _>>()?;
    let red_flags = read(RED_FLAGS_FILE.0)?;
    let warning_signs = read(WARNING_SIGNS_FILE.0)?;
    let priors = read(PRIORS_FILE.0)?;
    let files = KnowledgeFiles {
        sources: sources
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_str()))
            .collect(),
        red_flags: (&red_flags.0, &red_flags.1),
        warning_signs: (&warning_signs.0, &warning_signs.1),
        priors: (&priors.0, &priors.1),
    };
    KnowledgeBase::load(vocabulary, &files).map_err(|e| CliError::Usage(e.to_string()))
}

pub fn kb(command: &KbCommand, out: &mut impl Write) -> Result<(), CliError> {
    let write_error = |e: std::io::Error| CliError::Io {
        path: PathBuf::from("<stdout>"),
        source: e,
    };
    match command {
        KbCommand::Check { dir } => {
            let kb = load_knowledge(dir.as_deref()).map_err(|e| match e {
                CliError::Usage(message) => CliError::Check(message),
                other => other,
            })?;
            // The reader's lexicon beside the knowledge folder (assets/lexicon/), checked
            // against the same vocabulary.
            let lexicon_file = dir
                .as_deref()
                .and_then(|dir| dir.parent())
                .map(|assets| assets.join("lexicon").join("findings.json"))
                .filter(|file| file.exists());
            let lexicon_text = match &lexicon_file {
                Some(file) => std::fs::read_to_string(file).map_err(|source| CliError::Io {
                    path: file.clone(),
                    source,
                })?,
                None => crate::model::reader::Lexicon::builtin_text().to_owned(),
            };
            let lexicon = crate::model::reader::Lexicon::load(&lexicon_text, &kb.vocabulary)
                .map_err(|error| CliError::Check(error.to_string()))?;
            // The course's thresholds (course.json), each with where it comes from.
            let course_file = dir
                .as_deref()
                .map(|dir| dir.join("course.json"))
                .filter(|file| file.exists());
            let course_text = match &course_file {
                Some(file) => std::fs::read_to_string(file).map_err(|source| CliError::Io {
                    path: file.clone(),
                    source,
                })?,
                None => crate::reasoner::course::rules::CourseRules::builtin_text().to_owned(),
            };
            crate::reasoner::course::rules::CourseRules::load(&course_text)
                .map_err(|error| CliError::Check(error.to_string()))?;
            let count = |kind: crate::reasoner::SourceKind| {
                kb.sources.iter().filter(|s| s.kind == kind).count()
            };
            use crate::reasoner::SourceKind::*;
            writeln!(
                out,
                "knowledge base OK: {} regions, {} finding kinds, {} history flags; {} trigger points, {} nerve roots, {} peripheral nerves, {} joints, {} visceral sources; {} red flags; {} sets of warning signs; {} citations",
                kb.vocabulary.regions().len(),
                kb.vocabulary.kinds().len(),
                kb.vocabulary.history_flags().len(),
                count(TriggerPoint),
                count(NerveRoot),
                count(PeripheralNerve),
                count(Joint),
                count(Visceral),
                kb.red_flags.len(),
                kb.warning_signs.len(),
                kb.citations().len()
            )
            .map_err(write_error)?;
            writeln!(
                out,
                "reader's lexicon OK: {} phrases, {} everyday words read as prose, {} sources",
                lexicon.phrase_count(),
                lexicon.prose_count(),
                lexicon.sources.len()
            )
            .map_err(write_error)
        }
        KbCommand::List { json } => {
            let kb = KnowledgeBase::builtin();
            if *json {
                let value = serde_json::json!({
                    "regions": kb.vocabulary.regions(),
                    "kinds": kb.vocabulary.kinds(),
                    "history_flags": kb.vocabulary.history_flags(),
                    "sources": kb.sources.iter().map(|s| serde_json::json!({
                        "id": s.id, "name": s.name, "kind": s.kind, "citations": s.citations,
                    })).collect::<Vec<_>>(),
                    "red_flags": kb.red_flags.iter().map(|f| serde_json::json!({
                        "id": f.id, "title": f.title, "urgency": f.urgency, "citations": f.citations,
                    })).collect::<Vec<_>>(),
                    "warning_signs": kb.warning_signs.iter().map(|w| serde_json::json!({
                        "source": w.source, "at_risk": w.at_risk, "citations": w.citations,
                    })).collect::<Vec<_>>(),
                    "citations": kb.citations().keys().collect::<Vec<_>>(),
                });
                serde_json::to_writer_pretty(&mut *out, &value)
                    .map_err(|e| write_error(e.into()))?;
                writeln!(out).map_err(write_error)
            } else {
                (|| -> std::io::Result<()> {
                    writeln!(out, "REGIONS ({})", kb.vocabulary.regions().len())?;
                    for region in kb.vocabulary.regions() {
                        writeln!(
                            out,
                            "  {:<20} {}  [{}]",
                            region.code.as_str(),
                            region.name,
                            region.synonyms.join(", ")
                        )?;
                    }
                    writeln!(out, "\nFINDING KINDS ({})", kb.vocabulary.kinds().len())?;
                    for kind in kb.vocabulary.kinds() {
                        writeln!(
                            out,
                            "  {:<24} {}  [{}]",
                            kind.code.as_str(),
                            kind.name,
                            kind.synonyms.join(", ")
                        )?;
                    }
                    writeln!(out, "\nSOURCES ({})", kb.sources.len())?;
                    for source in &kb.sources {
                        writeln!(
                            out,
                            "  {:<32} {} ({})",
                            source.id,
                            source.name,
                            source.kind.label()
                        )?;
                    }
                    writeln!(out, "\nRED FLAGS ({})", kb.red_flags.len())?;
                    for flag in &kb.red_flags {
                        writeln!(
                            out,
                            "  {:<28} {} [{}]",
                            flag.id,
                            flag.title,
                            flag.urgency.code()
                        )?;
                    }
                    writeln!(out, "\nWARNING SIGNS ({})", kb.warning_signs.len())?;
                    for entry in &kb.warning_signs {
                        writeln!(out, "  {:<28} at risk: {}", entry.source, entry.at_risk)?;
                    }
                    writeln!(out, "\nCITATIONS ({})", kb.citations().len())?;
                    for (citation, uses) in kb.citations() {
                        writeln!(out, "  {citation}  (cited {uses}x)")?;
                    }
                    Ok(())
                })()
                .map_err(write_error)
            }
        }
    }
}
