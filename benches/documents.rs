//! The PDFs: a demo visit's signed note, and the progress report of a patient seen 500
//! times. Run with `cargo bench --bench documents`.

// A panic is how a test or benchmark reports a failure: unwrap and expect are fine here.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use upstream::documents::{self, DocumentOptions};
use upstream::store::{NotebookFile, Store};

fn documents(c: &mut Criterion) {
    let by = upstream::store::Actor::new("Bench Clinician").unwrap();
    let mut store = Store::open_in_memory().unwrap();
    store
        .import(
            &by,
            &upstream::demo::clinic(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()).unwrap(),
        )
        .unwrap();
    let patient = store.search_patients("", 1).unwrap().remove(0);
    let visit = store
        .timeline(patient.id)
        .unwrap()
        .into_iter()
        .rev()
        .find(|r| r.visit.is_signed())
        .unwrap()
        .visit
        .id;
    let options = DocumentOptions::default();
    let mut group = c.benchmark_group("pdf");
    group.sample_size(10);
    group.bench_function("visit note", |b| {
        b.iter(|| documents::visit_note(&store, visit, &options).unwrap())
    });
    // Typst memoises layout across compilations: made again, the same note is mostly
    // read from that cache. Emptied first, it is typeset from scratch, as the first
    // document after a change to the record is.
    group.bench_function("visit note, Typst's cache emptied", |b| {
        b.iter(|| {
            typst::comemo::evict(0);
            documents::visit_note(&store, visit, &options).unwrap()
        })
    });

    let mut long = Store::open_in_memory().unwrap();
    let record = upstream::bench::synthetic_patient(0, 500, 5);
    long.import(&by, &NotebookFile::new(vec![record])).unwrap();
    let patient = long.search_patients("", 1).unwrap().remove(0);
    let timeline = long.timeline(patient.id).unwrap();
    let from = timeline.first().unwrap().visit.started_at.date();
    let to = timeline.last().unwrap().visit.started_at.date();
    assert_eq!(timeline.len(), 500);
    group.bench_function("progress report, 500 visits", |b| {
        b.iter(|| documents::progress_report(&long, patient.id, from, to, &options).unwrap())
    });
    group.bench_function("progress report, 500 visits, Typst's cache emptied", |b| {
        b.iter(|| {
            typst::comemo::evict(0);
            documents::progress_report(&long, patient.id, from, to, &options).unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, documents);
criterion_main!(benches);
