//! The command line, run as a user would run it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn upstream(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_upstream"))
        .env("UPSTREAM_CLINICIAN", "Test Clinician")
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("UPSTREAM_DB")
        .output()
        .expect("run upstream")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn demo_notebook(directory: &Path) -> PathBuf {
    let db = directory.join("clinic.sqlite3");
    let output = upstream(&db, &["demo"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("8 patients"));
    db
}

#[test]
fn demo_patients_and_timeline_as_json() {
    let directory = tempfile::tempdir().unwrap();
    let db = demo_notebook(directory.path());

    let output = upstream(&db, &["patients", "--search", "okaf", "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let patients: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let patients = patients.as_array().unwrap();
    assert_eq!(patients.len(), 1);
    assert_eq!(patients[0]["name"], "Daniel Okafor");
    let id = patients[0]["id"].as_i64().unwrap().to_string();

    let output = upstream(&db, &["timeline", &id, "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let record: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let visits = record["visits"].as_array().unwrap();
    assert!(visits.len() >= 4);
    let dates: Vec<&str> = visits
        .iter()
        .map(|v| v["visit"]["started_at"].as_str().unwrap())
        .collect();
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted, "oldest first");

    let human = stdout(&upstream(&db, &["timeline", &id]));
    assert!(human.contains("Daniel Okafor"));
    assert!(human.contains("R calf tightness"), "{human}");

    // A second demo into the same notebook is refused rather than doubling it.
    let again = upstream(&db, &["demo"]);
    assert!(!again.status.success());
    assert!(stderr(&again).contains("already has 8 patients"));
}

#[test]
fn the_database_can_be_chosen_with_upstream_db() {
    let directory = tempfile::tempdir().unwrap();
    let db = demo_notebook(directory.path());
    let output = Command::new(env!("CARGO_BIN_EXE_upstream"))
        .env("UPSTREAM_CLINICIAN", "Test Clinician")
        .args(["patients", "--search", "1988"])
        .env("UPSTREAM_DB", &db)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("Maya Lindqvist"));
}

#[test]
fn export_and_import_round_trip_through_files() {
    let directory = tempfile::tempdir().unwrap();
    let db = demo_notebook(directory.path());
    let first = directory.path().join("first.json");
    let output = upstream(
        &db,
        &["export", "--unencrypted", "--json", first.to_str().unwrap()],
    );
    assert!(output.status.success(), "{}", stderr(&output));

    let copy = directory.path().join("copy.sqlite3");
    let output = upstream(&copy, &["import", "--json", first.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("ids kept"));

    let second = directory.path().join("second.json");
    assert!(
        upstream(
            &copy,
            &[
                "export",
                "--unencrypted",
                "--json",
                second.to_str().unwrap()
            ]
        )
        .status
        .success()
    );
    let mut a: serde_json::Value = serde_json::from_slice(&std::fs::read(&first).unwrap()).unwrap();
    let mut b: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&second).unwrap()).unwrap();
    // The same record; only when it was exported and the chain head of the notebook it
    // came from differ.
    for export in [&mut a, &mut b] {
        let export = export.as_object_mut().unwrap();
        export.remove("exported_at");
        assert!(export.remove("audit_head").is_some());
    }
    assert_eq!(a, b);
}

/// Each bad file, and what the message must name.
fn bad_imports(good: &str) -> Vec<(&'static str, String, Vec<&'static str>)> {
    let truncated = good[..good.len() / 2].to_owned();
    vec![
        (
            "truncated",
            truncated,
            vec!["truncated.json", "line", "column"],
        ),
        (
            "not_json",
            "patients: all of them".to_owned(),
            vec!["not_json.json", "line 1", "column"],
        ),
        (
            "wrong_type",
            good.replacen("\"intensity\": 6", "\"intensity\": \"six\"", 1),
            vec!["wrong_type.json", "line", "intensity"],
        ),
        (
            "out_of_range",
            good.replacen("\"intensity\": 6", "\"intensity\": 14", 1),
            vec!["out_of_range.json", "intensity", "0-10"],
        ),
        (
            "unknown_region",
            good.replacen("\"region\": \"calf\"", "\"region\": \"calv\"", 1),
            vec![
                "unknown_region.json",
                "patients[0].visits[0].findings",
                "unknown region `calv`",
            ],
        ),
        (
            "unknown_field",
            good.replacen("\"chief_complaint\"", "\"complaint\"", 1),
            vec!["unknown_field.json", "line", "complaint"],
        ),
        (
            "missing_patients",
            r#"{"format": "upstream-notebook", "version": 1}"#.to_owned(),
            vec!["missing_patients.json", "patients"],
        ),
    ]
}

#[test]
fn a_bad_import_names_the_problem_and_leaves_the_database_byte_for_byte_unchanged() {
    let directory = tempfile::tempdir().unwrap();
    let db = demo_notebook(directory.path());
    let export = directory.path().join("export.json");
    assert!(
        upstream(
            &db,
            &[
                "export",
                "--unencrypted",
                "--json",
                export.to_str().unwrap()
            ]
        )
        .status
        .success()
    );
    let good = std::fs::read_to_string(&export).unwrap();
    let before = std::fs::read(&db).unwrap();

    for (name, text, expected) in bad_imports(&good) {
        assert_ne!(text, good, "{name}: the corruption must change the file");
        let file = directory.path().join(format!("{name}.json"));
        std::fs::write(&file, &text).unwrap();
        let output = upstream(&db, &["import", "--json", file.to_str().unwrap()]);
        let message = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{name}: {message}");
        for part in expected {
            assert!(
                message.contains(part),
                "{name}: `{part}` missing from: {message}"
            );
        }
        assert_eq!(
            std::fs::read(&db).unwrap(),
            before,
            "{name}: the database changed"
        );
    }
    assert!(!directory.path().join("clinic.sqlite3-wal").exists());
    let count = stdout(&upstream(&db, &["patients", "--json"]));
    let patients: serde_json::Value = serde_json::from_str(&count).unwrap();
    assert_eq!(patients.as_array().unwrap().len(), 8);
}

#[test]
fn a_non_database_file_is_refused_by_every_command() {
    let directory = tempfile::tempdir().unwrap();
    let file = directory.path().join("letter.sqlite3");
    std::fs::write(&file, "Dear colleague, please see Ms Quill.").unwrap();
    for args in [&["patients"][..], &["demo"], &["timeline", "1"]] {
        let output = upstream(&file, args);
        assert_eq!(output.status.code(), Some(1));
        assert!(
            stderr(&output).contains("not an Upstream notebook"),
            "{}",
            stderr(&output)
        );
    }
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "Dear colleague, please see Ms Quill."
    );
}

fn patient_id(db: &Path, search: &str) -> String {
    let output = upstream(db, &["patients", "--search", search, "--json"]);
    let patients: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    patients[0]["id"].as_i64().unwrap().to_string()
}

#[test]
fn reason_reads_a_patient_s_visits_together() {
    let directory = tempfile::tempdir().unwrap();
    let db = demo_notebook(directory.path());
    let daniel = patient_id(&db, "okafor");

    let output = upstream(&db, &["reason", "--patient", &daniel]);
    assert!(output.status.success(), "{}", stderr(&output));
    let human = stdout(&output);
    assert!(human.starts_with("Daniel Okafor"), "{human}");
    let signs = human
        .find("Warning signs building up: S1 nerve root (right): 5 of its 5 warning signs")
        .expect("the warning signs, by name");
    let trajectories = human.find("TRAJECTORIES").unwrap();
    assert!(signs < trajectories, "insights come first: {human}");
    assert!(human.contains("calf fasciculation: first seen"), "{human}");
    assert!(human.contains("R calf tightness: worse (3 -> 4"), "{human}");

    let output = upstream(&db, &["reason", "--patient", &daniel, "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let course: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(course["patient"]["name"], "Daniel Okafor");
    let insights = course["insights"].as_array().unwrap();
    let warning = insights
        .iter()
        .find(|i| i["kind"] == "warning_signs")
        .expect("a warning-signs insight");
    assert_eq!(warning["source"], "root_s1");
    assert_eq!(warning["side"], "right");
    assert!(warning["at_risk"].as_str().unwrap().contains("calf"));
    assert!(warning["signs"].as_array().unwrap().len() >= 4);
    let calf = course["trajectories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["label"] == "R calf tightness")
        .unwrap();
    assert_eq!(calf["trend"], "worse");
    assert!(
        calf["points"][0]["local"][0]["text"]
            .as_str()
            .unwrap()
            .contains("gastrocnemius")
    );

    let maya = patient_id(&db, "lindqvist");
    let human = stdout(&upstream(&db, &["reason", "--patient", &maya]));
    assert!(
        human.contains("L sacroiliac region pain: treated locally at"),
        "{human}"
    );
    assert!(
        human.contains("Not yet treated: Soleus trigger points"),
        "{human}"
    );
    assert!(
        human.contains("L sacroiliac region pain eased from"),
        "{human}"
    );

    let output = upstream(&db, &["reason", "--patient", "99999"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("no patient with id 99999"),
        "{}",
        stderr(&output)
    );
    let output = upstream(
        &db,
        &["reason", "--patient", &maya, "--text", "L SI pain 4"],
    );
    assert_eq!(
        output.status.code(),
        Some(2),
        "a patient or a case, not both"
    );
}

#[test]
fn reason_reads_an_encrypted_notebook_with_its_passphrase() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("notebook.sqlite3");
    let run = |args: &[&str], passphrase: Option<&str>| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_upstream"));
        command.env("UPSTREAM_CLINICIAN", "Test Clinician");
        command
            .arg("--db")
            .arg(&db)
            .args(args)
            .env_remove("UPSTREAM_PASSPHRASE");
        if let Some(passphrase) = passphrase {
            command.env("UPSTREAM_PASSPHRASE", passphrase);
        }
        // No terminal to ask at: a missing passphrase must fail, not wait.
        command.stdin(std::process::Stdio::null());
        command.output().unwrap()
    };
    assert!(run(&["demo"], Some("tall fence")).status.success());
    let id = {
        let output = run(
            &["patients", "--search", "okafor", "--json"],
            Some("tall fence"),
        );
        let patients: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        patients[0]["id"].to_string()
    };
    let read = run(&["reason", "--patient", &id], Some("tall fence"));
    assert!(read.status.success(), "{}", stderr(&read));
    assert!(stdout(&read).contains("Warning signs building up: S1 nerve root"));
    let refused = run(&["reason", "--patient", &id], Some("wrong"));
    assert!(!refused.status.success());
    assert!(stderr(&refused).contains("passphrase does not open"));
}
