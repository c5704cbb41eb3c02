//! Typst embedded as a library: the templates in `assets/templates/` read the document's
//! data from a JSON file and its drawings from SVG files that exist only in memory. The
//! fonts are the ones built into the binary, never the system's, so the same input gives
//! the same bytes on every machine.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDateTime, Timelike};
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, Timestamp};

use super::DocumentError;

/// The templates built into the binary, by file name.
const BUILTIN_TEMPLATES: [(&str, &str); 5] = [
    (
        "common.typ",
        include_str!("../../assets/templates/common.typ"),
    ),
    (
        "visit_note.typ",
        include_str!("../../assets/templates/visit_note.typ"),
    ),
    (
        "progress_report.typ",
        include_str!("../../assets/templates/progress_report.typ"),
    ),
    (
        "letter.typ",
        include_str!("../../assets/templates/letter.typ"),
    ),
    (
        "handout.typ",
        include_str!("../../assets/templates/handout.typ"),
    ),
];

/// Where the templates come from: the built-in ones, or a clinic's own folder, where a
/// file of the same name takes the built-in one's place.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Templates {
    #[default]
    Builtin,
    Folder(PathBuf),
}

impl Templates {
    fn text(&self, name: &str) -> Result<String, DocumentError> {
        if let Templates::Folder(folder) = self {
            let path = folder.join(name);
            if path.exists() {
                return std::fs::read_to_string(&path).map_err(|e| DocumentError::Template {
                    template: path.display().to_string(),
                    message: e.to_string(),
                });
            }
        }
        BUILTIN_TEMPLATES
            .iter()
            .find(|(file, _)| *file == name)
            .map(|(_, text)| (*text).to_owned())
            .ok_or_else(|| DocumentError::Template {
                template: name.to_owned(),
                message: "no such template".to_owned(),
            })
    }
}

/// The library and the fonts, read once per process.
struct Shared {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

fn shared() -> &'static Shared {
    static SHARED: OnceLock<Shared> = OnceLock::new();
    SHARED.get_or_init(|| {
        let fonts: Vec<Font> = typst_assets::fonts()
            .flat_map(|data| Font::iter(Bytes::new(data)))
            .collect();
        Shared {
            library: LazyHash::new(<Library as LibraryExt>::default()),
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
        }
    })
}

fn file_id(name: &str) -> Result<FileId, DocumentError> {
    let path = VirtualPath::new(format!("/{name}")).map_err(|e| DocumentError::Template {
        template: name.to_owned(),
        message: format!("{e:?}"),
    })?;
    Ok(RootedPath::new(VirtualRoot::Project, path).intern())
}

/// One document to typeset: its template, its data and its drawings.
pub struct Job {
    main: FileId,
    sources: HashMap<FileId, Source>,
    files: HashMap<FileId, Bytes>,
}

impl Job {
    /// `template` is the main file's name; every template is reachable from it, so that
    /// they can import `common.typ`.
    pub fn new(templates: &Templates, template: &str) -> Result<Job, DocumentError> {
        let mut sources = HashMap::new();
        for (name, _) in BUILTIN_TEMPLATES {
            let id = file_id(name)?;
            sources.insert(id, Source::new(id, templates.text(name)?));
        }
        Ok(Job {
            main: file_id(template)?,
            sources,
            files: HashMap::new(),
        })
    }

    /// A file the template reads: `data.json`, a drawing, the logo.
    pub fn add_file(&mut self, name: &str, bytes: Vec<u8>) -> Result<(), DocumentError> {
        self.files.insert(file_id(name)?, Bytes::new(bytes));
        Ok(())
    }

    /// Typesets the document and writes it as PDF. `ident` names the document for the
    /// PDF's identifier and `dated` is its creation date, both from the record, so that
    /// the same record makes the same bytes.
    pub fn pdf(&self, ident: &str, dated: NaiveDateTime) -> Result<Vec<u8>, DocumentError> {
        let document = self.typeset()?;
        // Typst memoises across compilations; a window open all day would keep every
        // document it ever made.
        typst::comemo::evict(10);
        let options = PdfOptions {
            ident: Smart::Custom(ident.to_owned()),
            creator: Smart::Custom(Some("Upstream".into())),
            timestamp: typst_datetime(dated).map(Timestamp::new_utc),
            ..PdfOptions::default()
        };
        typst_pdf::pdf(&document, &options).map_err(|diagnostics| DocumentError::Typesetting {
            message: messages(&diagnostics),
        })
    }

    /// The laid-out pages, for counting them.
    pub fn typeset(&self) -> Result<PagedDocument, DocumentError> {
        let main = self
            .sources
            .get(&self.main)
            .map(|s| s.id().get().vpath().get_without_slash().to_owned())
            .unwrap_or_default();
        typst::compile::<PagedDocument>(self)
            .output
            .map_err(|diagnostics| DocumentError::Template {
                template: main,
                message: messages(&diagnostics),
            })
    }
}

fn messages(diagnostics: &[typst::diag::SourceDiagnostic]) -> String {
    diagnostics
        .iter()
        .map(|d| d.message.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

fn typst_datetime(at: NaiveDateTime) -> Option<Datetime> {
    Datetime::from_ymd_hms(
        at.year(),
        u8::try_from(at.month()).ok()?,
        u8::try_from(at.day()).ok()?,
        u8::try_from(at.hour()).ok()?,
        u8::try_from(at.minute()).ok()?,
        u8::try_from(at.second()).ok()?,
    )
}

impl World for Job {
    fn library(&self) -> &LazyHash<Library> {
        &shared().library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &shared().book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        self.sources.get(&id).cloned().ok_or_else(|| not_found(id))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if let Some(bytes) = self.files.get(&id) {
            return Ok(bytes.clone());
        }
        self.sources
            .get(&id)
            .map(|source| Bytes::from_string(source.text().to_owned()))
            .ok_or_else(|| not_found(id))
    }

    fn font(&self, index: usize) -> Option<Font> {
        shared().fonts.get(index).cloned()
    }

    /// No clock: a document says the dates its data gives it.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(Path::new(id.get().vpath().get_without_slash()).to_path_buf())
}
