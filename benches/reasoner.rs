//! The reasoner on one visit of 8 findings against the full knowledge base.
//! Run with `cargo bench --bench reasoner`.

use criterion::{Criterion, criterion_group, criterion_main};
use upstream::model::{Vocabulary, shorthand};
use upstream::reasoner::{Case, Reasoner};

fn eight_findings() -> Case {
    let findings = shorthand::parse(
        "R calf tight 4; fasciculations R calf; R lat ankle pain 3/10; R lateral hip pain 2; \
         midline low back pain 2; no numbness R lat foot; SLR + R; R calf tenderness 3",
        Vocabulary::builtin(),
    )
    .expect("the benchmark case parses");
    Case {
        age: Some(52),
        history: vec!["degenerative_disc_disease".into()],
        findings,
        ..Case::default()
    }
}

fn reasoner(c: &mut Criterion) {
    let reasoner = Reasoner::builtin();
    let case = eight_findings();
    c.bench_function("assess a visit of 8 findings", |b| {
        b.iter(|| reasoner.assess(std::hint::black_box(&case)))
    });
}

criterion_group!(benches, reasoner);
criterion_main!(benches);
