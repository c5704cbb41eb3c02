//! The body chart: front and back views in which every region of the vocabulary is its
//! own shape. Hover names the region; a click picks it, its side taken from the half
//! clicked, and asks what to chart there (pain, tenderness, numbness...); findings are
//! shaded by intensity, examined-and-absent ones are outlined; a selected hypothesis's
//! referral zones are drawn underneath.

use eframe::egui;
use serde::Deserialize;

use super::Action;
use super::context::ViewContext;
use crate::model::vocabulary::{ChartView, Laterality};
use crate::model::{Finding, KindCode, Presence, RegionCode, Side, VisitId, Vocabulary};
use crate::reasoner::{Weight, Zone};

/// The chart's accessible name, which the tests use to find it.
pub const CHART_LABEL: &str = "Body chart, front and back views";

/// What a region picked on the chart may be charted as, most often charted first: the
/// symptoms and signs a clinician marks on a pain diagram. Anything else is typed.
const CHART_KINDS: [&str; 8] = [
    "pain",
    "ache",
    "tenderness",
    "tightness",
    "stiffness",
    "numbness",
    "paresthesia",
    "swelling",
];

const CHART_JSON: &str = include_str!("../../assets/body_chart.json");

#[derive(Debug, Clone, Deserialize)]
pub struct Canvas {
    pub width: f32,
    pub height: f32,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ViewOutline {
    pub outline: Vec<[f32; 2]>,
    pub midline_x: f32,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Views {
    pub front: ViewOutline,
    pub back: ViewOutline,
}

/// One region's polygon in one view, on one side (`midline` for shapes across it).
#[derive(Debug, Clone, Deserialize)]
pub struct Shape {
    pub region: RegionCode,
    pub view: ChartView,
    pub side: Side,
    pub points: Vec<[f32; 2]>,
    /// The polygon cut into triangles when loaded, for filling.
    #[serde(skip)]
    pub triangles: Vec<[usize; 3]>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Geometry {
    pub canvas: Canvas,
    pub views: Views,
    pub shapes: Vec<Shape>,
}

impl Geometry {
    /// The chart built into the binary; the tests check it covers the vocabulary.
    pub fn builtin() -> Result<&'static Geometry, &'static str> {
        static GEOMETRY: std::sync::OnceLock<Result<Geometry, String>> = std::sync::OnceLock::new();
        GEOMETRY
            .get_or_init(|| {
                let mut geometry: Geometry = serde_json::from_str(CHART_JSON)
                    .map_err(|e| format!("assets/body_chart.json: {e}"))?;
                for shape in &mut geometry.shapes {
                    shape.triangles = triangulate(&shape.points);
                }
                Ok(geometry)
            })
            .as_ref()
            .map_err(String::as_str)
    }

    fn outline(&self, view: ChartView) -> &ViewOutline {
        match view {
            ChartView::Front => &self.views.front,
            ChartView::Back => &self.views.back,
        }
    }

    /// The region and side at a point of a view's canvas. For a shape across the midline
    /// of an axial region (the low back, the neck), the side is the half clicked.
    pub fn hit(
        &self,
        view: ChartView,
        point: [f32; 2],
        vocabulary: &Vocabulary,
    ) -> Option<(RegionCode, Side)> {
        let shape = self
            .shapes
            .iter()
            .filter(|s| s.view == view)
            .find(|s| contains(&s.points, point))?;
        let laterality = vocabulary.region(&shape.region).map(|r| r.laterality);
        let side = match (shape.side, laterality) {
            (Side::Midline, Some(Laterality::Axial)) => {
                let left_of_midline = point[0] < self.outline(view).midline_x;
                // Facing the viewer, the patient's right is on the viewer's left.
                match (view, left_of_midline) {
                    (ChartView::Front, true) | (ChartView::Back, false) => Side::Right,
                    (ChartView::Front, false) | (ChartView::Back, true) => Side::Left,
                }
            }
            (side, _) => side,
        };
        Some((shape.region.clone(), side))
    }
}

/// Cuts a simple polygon into triangles by ear clipping.
pub fn triangulate(polygon: &[[f32; 2]]) -> Vec<[usize; 3]> {
    let cross = |o: [f32; 2], a: [f32; 2], b: [f32; 2]| {
        (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])
    };
    // Twice the signed area tells the winding; ears turn the same way.
    let winding: f32 = (0..polygon.len())
        .map(|i| {
            let (a, b) = (polygon[i], polygon[(i + 1) % polygon.len()]);
            a[0] * b[1] - b[0] * a[1]
        })
        .sum::<f32>()
        .signum();
    // Repeated and collinear points make no ear; leave them out.
    let mut remaining: Vec<usize> = (0..polygon.len()).collect();
    let mut pruned = true;
    while pruned && remaining.len() > 3 {
        pruned = false;
        let n = remaining.len();
        if let Some(i) = (0..n).find(|&i| {
            let (a, b, c) = (
                polygon[remaining[(i + n - 1) % n]],
                polygon[remaining[i]],
                polygon[remaining[(i + 1) % n]],
            );
            cross(a, b, c).abs() < 1e-6
        }) {
            remaining.remove(i);
            pruned = true;
        }
    }
    let mut triangles = Vec::new();
    let mut guard = 0;
    while remaining.len() > 3 && guard < polygon.len() * polygon.len() {
        guard += 1;
        let n = remaining.len();
        let ear = (0..n).find(|&i| {
            let (p, c, q) = (
                remaining[(i + n - 1) % n],
                remaining[i],
                remaining[(i + 1) % n],
            );
            let (a, b, d) = (polygon[p], polygon[c], polygon[q]);
            if cross(a, b, d) * winding <= 0.0 {
                return false;
            }
            !remaining.iter().any(|&other| {
                other != p && other != c && other != q && {
                    let x = polygon[other];
                    let (s1, s2, s3) = (
                        cross(a, b, x) * winding,
                        cross(b, d, x) * winding,
                        cross(d, a, x) * winding,
                    );
                    // A point on the ear's edge (a shared vertex) does not block it.
                    s1 > 0.0 && s2 > 0.0 && s3 > 0.0
                }
            })
        });
        // A degenerate polygon has no ear: fall back to a fan rather than loop.
        let i = ear.unwrap_or(1);
        triangles.push([
            remaining[(i + n - 1) % n],
            remaining[i],
            remaining[(i + 1) % n],
        ]);
        remaining.remove(i);
    }
    if remaining.len() == 3 {
        triangles.push([remaining[0], remaining[1], remaining[2]]);
    }
    triangles
}

/// Even-odd point-in-polygon.
fn contains(polygon: &[[f32; 2]], point: [f32; 2]) -> bool {
    let mut inside = false;
    let mut j = polygon.len().wrapping_sub(1);
    for i in 0..polygon.len() {
        let (a, b) = (polygon[i], polygon[j]);
        if (a[1] > point[1]) != (b[1] > point[1])
            && point[0] < (b[0] - a[0]) * (point[1] - a[1]) / (b[1] - a[1]) + a[0]
        {
            inside = !inside;
        }
        j = i;
    }
    inside
}

/// Whether something charted on `side` at `region` touches a shape of `shape_region` on
/// `shape_side`.
fn touches(
    vocabulary: &Vocabulary,
    region: &RegionCode,
    side: Side,
    shape_region: &RegionCode,
    shape_side: Side,
) -> bool {
    let region_fits = vocabulary.region_within(shape_region, region)
        || vocabulary.region_within(region, shape_region);
    let side_fits = side == shape_side
        || matches!(side, Side::Bilateral | Side::None)
        || matches!(shape_side, Side::Midline | Side::None)
        || (side == Side::Midline && shape_side != Side::Midline);
    region_fits && side_fits
}

/// The chart keeps each shape's colour and outline until the findings, the zones or the
/// theme change: working them out for every shape is most of a frame's work otherwise.
#[derive(Debug, Default)]
pub struct BodyChart {
    looks: Option<(u64, Vec<(egui::Color32, egui::Stroke)>)>,
    /// The shape walked to with the arrow keys.
    cursor: Option<usize>,
    /// The drawn chart and what it was drawn from.
    mesh: Option<(u64, std::sync::Arc<egui::Mesh>)>,
    /// The region and side clicked (or chosen with Enter), asking what to chart there.
    picked: Option<(RegionCode, Side)>,
    /// Whether the first kind to chart takes the keyboard's focus on the next frame.
    focus_picker: bool,
}

impl BodyChart {
    fn looks(
        &mut self,
        geometry: &Geometry,
        vocabulary: &Vocabulary,
        findings: &[Finding],
        zones: &[Zone],
        base: egui::Color32,
        edge: egui::Stroke,
    ) -> Vec<(egui::Color32, egui::Stroke)> {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        for finding in findings {
            (
                &finding.kind,
                &finding.region,
                finding.side,
                finding.intensity,
                finding.presence,
            )
                .hash(&mut hasher);
        }
        for zone in zones {
            (&zone.region, zone.side, zone.weight).hash(&mut hasher);
        }
        base.hash(&mut hasher);
        let key = hasher.finish();
        if let Some((cached, looks)) = &self.looks
            && *cached == key
        {
            return looks.clone();
        }
        let looks: Vec<(egui::Color32, egui::Stroke)> = geometry
            .shapes
            .iter()
            .map(|shape| shape_look(vocabulary, shape, findings, zones, base, edge))
            .collect();
        self.looks = Some((key, looks.clone()));
        looks
    }

    #[allow(clippy::too_many_arguments)]
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        context: &ViewContext<'_>,
        visit: VisitId,
        findings: &[Finding],
        zones: &[Zone],
        editable: bool,
        actions: &mut Vec<Action>,
    ) {
        let geometry = match context.body {
            Ok(geometry) => geometry,
            Err(problem) => {
                ui.colored_label(
                    ui.visuals().error_fg_color,
                    format!("The body chart is unavailable: {problem}"),
                );
                return;
            }
        };
        let vocabulary = context.vocabulary;
        let height = 360.0_f32.min(
            ui.available_width() * 0.95 * geometry.canvas.height / (2.0 * geometry.canvas.width),
        );
        let scale = height / geometry.canvas.height;
        let view_width = geometry.canvas.width * scale;
        let (rect, response) = ui.allocate_exact_size(
            egui::vec2(view_width * 2.0 + 8.0, height),
            egui::Sense::click(),
        );
        // From the keyboard: arrows walk the regions, Enter charts at the one walked to.
        if response.has_focus() {
            // Keep the arrows for walking regions rather than moving focus away.
            ui.memory_mut(|m| {
                m.set_focus_lock_filter(
                    response.id,
                    egui::EventFilter {
                        horizontal_arrows: true,
                        vertical_arrows: true,
                        ..egui::EventFilter::default()
                    },
                );
            });
            let (next, previous) = ui.input(|i| {
                (
                    i.key_pressed(egui::Key::ArrowRight) || i.key_pressed(egui::Key::ArrowDown),
                    i.key_pressed(egui::Key::ArrowLeft) || i.key_pressed(egui::Key::ArrowUp),
                )
            });
            let count = geometry.shapes.len();
            if count > 0 && (next || previous) {
                self.cursor = Some(match (self.cursor, next) {
                    (None, _) => 0,
                    (Some(at), true) => (at + 1) % count,
                    (Some(at), false) => (at + count - 1) % count,
                });
            }
        }
        let walked = self
            .cursor
            .filter(|_| response.has_focus())
            .and_then(|at| geometry.shapes.get(at));
        let label = match walked {
            Some(shape) => format!("{CHART_LABEL}: {}", shape_name(vocabulary, shape)),
            None => CHART_LABEL.to_owned(),
        };
        response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Image, editable, &label));
        let painter = ui.painter_at(rect);
        let dark = ui.visuals().dark_mode;
        let base = if dark {
            egui::Color32::from_gray(60)
        } else {
            egui::Color32::from_gray(225)
        };
        let edge = egui::Stroke::new(
            0.5,
            if dark {
                egui::Color32::from_gray(110)
            } else {
                egui::Color32::from_gray(150)
            },
        );

        let looks = self.looks(geometry, vocabulary, findings, zones, base, edge);
        let views = [
            (ChartView::Front, rect.min),
            (
                ChartView::Back,
                rect.min + egui::vec2(view_width + 8.0, 0.0),
            ),
        ];
        let to_screen =
            |origin: egui::Pos2, p: [f32; 2]| origin + egui::vec2(p[0] * scale, p[1] * scale);
        let mut hovered = None;
        // The whole chart is one mesh, kept until what it shows or where changes: hundreds
        // of separate shapes would be most of a frame's tessellation.
        let walked_index =
            walked.and_then(|w| geometry.shapes.iter().position(|s| std::ptr::eq(s, w)));
        let key = {
            use std::hash::{Hash, Hasher};
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            self.looks.as_ref().map(|(key, _)| *key).hash(&mut hasher);
            [rect.min.x, rect.min.y, rect.width(), rect.height()]
                .map(f32::to_bits)
                .hash(&mut hasher);
            walked_index.hash(&mut hasher);
            hasher.finish()
        };
        let mesh = match &self.mesh {
            Some((cached, mesh)) if *cached == key => mesh.clone(),
            _ => {
                let selected = ui.visuals().selection.stroke;
                let mut mesh = egui::Mesh::default();
                for (view, origin) in views {
                    for (index, shape) in geometry
                        .shapes
                        .iter()
                        .enumerate()
                        .filter(|(_, s)| s.view == view)
                    {
                        let (fill, stroke) = looks[index];
                        let stroke = if walked_index == Some(index) {
                            selected
                        } else {
                            stroke
                        };
                        let points: Vec<egui::Pos2> =
                            shape.points.iter().map(|&p| to_screen(origin, p)).collect();
                        add_shape(&mut mesh, &points, &shape.triangles, fill, stroke);
                    }
                }
                let mesh = std::sync::Arc::new(mesh);
                self.mesh = Some((key, mesh.clone()));
                mesh
            }
        };
        painter.add(egui::Shape::Mesh(mesh));
        for (view, origin) in views {
            if let Some(pointer) = response.hover_pos() {
                let local = (pointer - origin) / scale;
                if local.x >= 0.0 && local.x <= geometry.canvas.width {
                    hovered = geometry
                        .hit(view, [local.x, local.y], vocabulary)
                        .or(hovered);
                }
            }
            painter.text(
                origin + egui::vec2(4.0, 2.0),
                egui::Align2::LEFT_TOP,
                match view {
                    ChartView::Front => "Front",
                    ChartView::Back => "Back",
                },
                egui::FontId::proportional(11.0),
                ui.visuals().weak_text_color(),
            );
        }
        let response = match &hovered {
            Some((region, side)) => {
                let name = vocabulary.region_name(region);
                let side = match side {
                    Side::Midline | Side::None => String::new(),
                    side => format!(" ({})", side.label()),
                };
                response.on_hover_text(format!("{name}{side}"))
            }
            None => response,
        };
        let pressed = response.has_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        let target = match (pressed, walked) {
            (true, Some(shape)) => Some((shape.region.clone(), shape.side)),
            _ => hovered.filter(|_| response.clicked()),
        };
        if editable && let Some(target) = target {
            self.picked = Some(target);
            self.focus_picker = true;
        }
        if editable {
            self.picker_ui(ui, context, visit, actions);
        } else {
            self.picked = None;
        }
    }

    /// Asks what to chart at the picked region: one button a kind, then Cancel (or Esc).
    fn picker_ui(
        &mut self,
        ui: &mut egui::Ui,
        context: &ViewContext<'_>,
        visit: VisitId,
        actions: &mut Vec<Action>,
    ) {
        let Some((region, side)) = self.picked.clone() else {
            return;
        };
        let vocabulary = context.vocabulary;
        let place = match side {
            Side::Midline | Side::None => vocabulary.region_name(&region).to_owned(),
            side => format!("{} ({})", vocabulary.region_name(&region), side.label()),
        };
        let mut chosen = None;
        let mut cancelled = ui.input(|i| i.key_pressed(egui::Key::Escape));
        ui.horizontal_wrapped(|ui| {
            ui.label(format!("Chart at {place}:"));
            for (index, code) in CHART_KINDS.iter().enumerate() {
                let name = vocabulary.kind_name(&KindCode::new(*code)).to_owned();
                let button = ui.button(name);
                if index == 0 && std::mem::take(&mut self.focus_picker) {
                    button.request_focus();
                }
                if button.clicked() {
                    chosen = Some(*code);
                }
            }
            cancelled |= ui.button("Cancel").clicked();
        });
        if let Some(kind) = chosen {
            actions.push(Action::ChartClick {
                visit,
                region,
                side,
                kind: kind.to_owned(),
            });
            self.picked = None;
        } else if cancelled {
            self.picked = None;
        }
    }
}

/// Adds a polygon to the mesh: its fill through its triangles (egui fills only convex
/// paths), and its outline edge by edge as thin quads (a joined outline grows long miter
/// spikes at sharp corners).
fn add_shape(
    mesh: &mut egui::Mesh,
    points: &[egui::Pos2],
    triangles: &[[usize; 3]],
    fill: egui::Color32,
    stroke: egui::Stroke,
) {
    for &[a, b, c] in triangles {
        let base = mesh.vertices.len() as u32;
        for index in [a, b, c] {
            mesh.colored_vertex(points[index], fill);
        }
        mesh.add_triangle(base, base + 1, base + 2);
    }
    if stroke.width <= 0.0 {
        return;
    }
    // Thinner than a pixel reads as a faint pixel-wide line.
    let width = stroke.width.max(1.0);
    let colour = if stroke.width < 1.0 {
        stroke.color.gamma_multiply(stroke.width)
    } else {
        stroke.color
    };
    for (i, &start) in points.iter().enumerate() {
        let end = points[(i + 1) % points.len()];
        let along = end - start;
        if along.length_sq() <= f32::EPSILON {
            continue;
        }
        let across = along.normalized().rot90() * (width / 2.0);
        let base = mesh.vertices.len() as u32;
        for corner in [start + across, start - across, end - across, end + across] {
            mesh.colored_vertex(corner, colour);
        }
        mesh.add_triangle(base, base + 1, base + 2);
        mesh.add_triangle(base, base + 2, base + 3);
    }
}

/// "Lateral ankle (R), back view".
fn shape_name(vocabulary: &Vocabulary, shape: &Shape) -> String {
    let side = match shape.side {
        Side::Midline | Side::None => String::new(),
        side => format!(" ({})", side.label()),
    };
    let view = match shape.view {
        ChartView::Front => "front",
        ChartView::Back => "back",
    };
    format!(
        "{}{side}, {view} view",
        vocabulary.region_name(&shape.region)
    )
}

/// A referral zone where the source's pain is essentially always felt.
const ESSENTIAL_ZONE: egui::Color32 = egui::Color32::from_rgb(240, 150, 40);
/// Where it often spreads.
const SPILLOVER_ZONE: egui::Color32 = egui::Color32::from_rgb(240, 205, 90);
/// Where it is felt only now and then.
const RARE_ZONE: egui::Color32 = egui::Color32::from_rgb(200, 190, 140);
/// A finding present, shaded deeper with its intensity.
const FINDING_FILL: egui::Color32 = egui::Color32::from_rgb(215, 40, 40);
/// A finding examined and absent.
const ABSENT_OUTLINE: egui::Color32 = egui::Color32::from_rgb(60, 130, 230);

/// What the chart's colours mean, beneath it; the zones' only while a hypothesis is
/// drawn.
pub fn legend_ui(ui: &mut egui::Ui, zones_drawn: bool) {
    let patch =
        |fill: egui::Color32, stroke: egui::Stroke, name: &str| super::widgets::LegendEntry {
            mark: Box::new(move |painter: &egui::Painter, rect: egui::Rect| {
                painter.rect(
                    rect.shrink(2.0),
                    2.0,
                    fill,
                    stroke,
                    egui::StrokeKind::Inside,
                );
            }),
            name: name.to_owned(),
        };
    let none = egui::Stroke::NONE;
    let mut entries = vec![
        patch(FINDING_FILL, none, "Finding (deeper: more intense)"),
        patch(
            ui.visuals().extreme_bg_color,
            egui::Stroke::new(2.0, ABSENT_OUTLINE),
            "Examined, absent (outlined)",
        ),
    ];
    if zones_drawn {
        entries.extend([
            patch(ESSENTIAL_ZONE, none, "Referral zone: essential"),
            patch(SPILLOVER_ZONE, none, "spillover"),
            patch(RARE_ZONE, none, "rare"),
        ]);
    }
    super::widgets::legend(ui, &entries);
}

/// A shape's fill and outline: the zone beneath, findings shaded over it by intensity,
/// examined-and-absent findings as a blue outline.
fn shape_look(
    vocabulary: &Vocabulary,
    shape: &Shape,
    findings: &[Finding],
    zones: &[Zone],
    base: egui::Color32,
    edge: egui::Stroke,
) -> (egui::Color32, egui::Stroke) {
    let zone = zones
        .iter()
        .filter(|z| touches(vocabulary, &z.region, z.side, &shape.region, shape.side))
        .map(|z| z.weight)
        .max();
    let mut fill = match zone {
        Some(Weight::Essential) => ESSENTIAL_ZONE,
        Some(Weight::Spillover) => SPILLOVER_ZONE,
        Some(Weight::Rare) => RARE_ZONE,
        None => base,
    };
    let mut stroke = edge;
    for finding in findings.iter().filter(|f| {
        f.region
            .as_ref()
            .is_some_and(|r| touches(vocabulary, r, f.side, &shape.region, shape.side))
    }) {
        match finding.presence {
            Presence::Present => {
                let strength = finding.intensity.map_or(5, |i| i.value());
                let alpha = 90 + strength * 16;
                fill = blend(fill, FINDING_FILL, f32::from(alpha) / 255.0);
            }
            Presence::Absent => {
                stroke = egui::Stroke::new(2.0, ABSENT_OUTLINE);
            }
        }
    }
    (fill, stroke)
}

/// `over` laid on `under` with the given opacity.
fn blend(under: egui::Color32, over: egui::Color32, opacity: f32) -> egui::Color32 {
    let mix =
        |a: u8, b: u8| (f32::from(a) * (1.0 - opacity) + f32::from(b) * opacity).round() as u8;
    egui::Color32::from_rgb(
        mix(under.r(), over.r()),
        mix(under.g(), over.g()),
        mix(under.b(), over.b()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn area(points: &[[f32; 2]]) -> f32 {
        (0..points.len())
            .map(|i| {
                let (a, b) = (points[i], points[(i + 1) % points.len()]);
                a[0] * b[1] - b[0] * a[1]
            })
            .sum::<f32>()
            .abs()
            / 2.0
    }

    #[test]
    fn every_shape_is_filled_exactly_by_its_triangles() {
        let geometry = Geometry::builtin().unwrap();
        for shape in &geometry.shapes {
            let filled: f32 = shape
                .triangles
                .iter()
                .map(|t| area(&[shape.points[t[0]], shape.points[t[1]], shape.points[t[2]]]))
                .sum();
            let whole = area(&shape.points);
            for t in &shape.triangles {
                let (a, b, c) = (shape.points[t[0]], shape.points[t[1]], shape.points[t[2]]);
                let centroid = [(a[0] + b[0] + c[0]) / 3.0, (a[1] + b[1] + c[1]) / 3.0];
                // Slivers along a near-degenerate edge cannot be seen; anything larger must
                // lie inside its shape.
                assert!(
                    area(&[a, b, c]) < 0.5 || contains(&shape.points, centroid),
                    "{} {:?} {:?}: triangle {t:?} lies outside its shape",
                    shape.region,
                    shape.view,
                    shape.side
                );
            }
            assert!(
                (filled - whole).abs() <= whole * 0.01 + 0.01,
                "{} {:?} {:?}: triangles cover {filled}, polygon is {whole}",
                shape.region,
                shape.view,
                shape.side
            );
        }
    }

    #[test]
    fn every_drawn_region_is_in_the_vocabulary_and_every_leaf_is_drawn_on_each_side() {
        let geometry = Geometry::builtin().unwrap();
        let vocabulary = Vocabulary::builtin();
        for shape in &geometry.shapes {
            assert!(
                vocabulary.region(&shape.region).is_some(),
                "{}",
                shape.region
            );
        }
        for region in vocabulary.regions() {
            if vocabulary.children(&region.code).next().is_some() {
                continue;
            }
            for view in &region.views {
                let sides: Vec<Side> = geometry
                    .shapes
                    .iter()
                    .filter(|s| s.region == region.code && s.view == *view)
                    .map(|s| s.side)
                    .collect();
                let expected: &[Side] = match region.laterality {
                    Laterality::Paired => &[Side::Left, Side::Right],
                    _ => &[Side::Midline],
                };
                for side in expected {
                    assert!(
                        sides.contains(side),
                        "{} {:?} lacks its {side:?} shape",
                        region.code,
                        view
                    );
                }
            }
        }
    }

    #[test]
    fn a_click_on_the_low_back_takes_its_side_from_the_half_clicked() {
        let geometry = Geometry::builtin().unwrap();
        let vocabulary = Vocabulary::builtin();
        let low_back = geometry
            .shapes
            .iter()
            .find(|s| s.region.as_str() == "low_back" && s.view == ChartView::Back)
            .unwrap();
        let y = low_back.points.iter().map(|p| p[1]).sum::<f32>() / low_back.points.len() as f32;
        let midline = geometry.views.back.midline_x;
        // From behind, the patient's left is on the viewer's left.
        assert_eq!(
            geometry.hit(ChartView::Back, [midline - 10.0, y], vocabulary),
            Some((RegionCode::new("low_back"), Side::Left))
        );
        assert_eq!(
            geometry.hit(ChartView::Back, [midline + 10.0, y], vocabulary),
            Some((RegionCode::new("low_back"), Side::Right))
        );
    }
}
