// fhirflow trends page: a patient's last 24 h of heart rate, 14 days of steps, last night's sleep
// stages and latest vitals, read with the patient's token from this API's own FHIR search.
// SMART style: the token arrives in the URL fragment (#access_token=...), which browsers never send
// to a server; it is kept in sessionStorage for this tab only and the fragment is cleared. Every
// request goes to this origin (the Content-Security-Policy allows nothing else).
"use strict";

(function () {
  const LOINC = "http://loinc.org";
  const HEALTH_CONNECT = "https://fhirflow.io/fhir/CodeSystem/health-connect";
  // Code systems as the mapper writes them (io.fhirflow.contracts.FhirSystems); this page is a
  // client of the FHIR API like any other, so it names them as any client would.
  const HEALTHKIT = "http://developer.apple.com/documentation/healthkit";
  const CODES = {
    heartRate: LOINC + "|8867-4",
    steps: LOINC + "|55423-8",
    spo2: [LOINC + "|59408-5", LOINC + "|2708-6"],
    bloodPressure: LOINC + "|85354-9",
    weight: LOINC + "|29463-7",
  };
  // Sleep stage levels of the hypnogram (higher = lighter), from the stage's LOINC code or, for
  // the awake stages that have none, the platform's code.
  const STAGES = [
    { level: 0, label: "Deep", loinc: "93831-6" },
    { level: 1, label: "Light / core", loinc: "93830-8" },
    { level: 2, label: "REM", loinc: "93829-0" },
    { level: 1, label: "Asleep", loinc: "93832-4" },
  ];
  const AWAKE_LEVEL = 3;
  const SLEEP_CODES = STAGES.map((s) => LOINC + "|" + s.loinc).concat([
    HEALTH_CONNECT + "|SleepSessionRecord.STAGE_TYPE_AWAKE",
    HEALTH_CONNECT + "|SleepSessionRecord.STAGE_TYPE_AWAKE_IN_BED",
    HEALTHKIT + "|HKCategoryTypeIdentifierSleepAnalysis",
  ]);
  const HOUR = 3600 * 1000;
  const BIN_SECONDS = 15 * 60;
  const REFRESH_MS = 60 * 1000;

  const charts = {};
  let cspViolations = 0;
  document.addEventListener("securitypolicyviolation", () => { cspViolations += 1; document.body.dataset.cspViolations = String(cspViolations); });

  class Expired extends Error {}

  function token() {
    const hash = new URLSearchParams(window.location.hash.slice(1));
    const fromHash = hash.get("access_token");
    if (fromHash) {
      sessionStorage.setItem("fhirflow.token", fromHash);
      history.replaceState(null, "", window.location.pathname + window.location.search);
    }
    return sessionStorage.getItem("fhirflow.token");
  }

  function claims(jwt) {
    try {
      const part = jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      return JSON.parse(atob(part + "===".slice((part.length + 3) % 4)));
    } catch (e) {
      return null;
    }
  }

  async function getJson(path, jwt) {
    const res = await fetch(path, { headers: { Authorization: "Bearer " + jwt, Accept: "application/fhir+json" }, cache: "no-store" });
    if (res.status === 401) {
      throw new Expired();
    }
    if (!res.ok) {
      throw new Error("HTTP " + res.status);
    }
    return res.json();
  }

  // Every page of a search, following next links on this origin (the link's own host may be the
  // public base URL; the CSP allows only this one).
  async function searchAll(query, jwt) {
    const resources = [];
    let path = "../fhir/Observation?" + query;
    while (path) {
      const bundle = await getJson(path, jwt);
      (bundle.entry || []).forEach((e) => resources.push(e.resource));
      const next = (bundle.link || []).find((l) => l.relation === "next");
      path = next ? new URL(next.url).pathname.replace(/^.*\/fhir\//, "../fhir/") + new URL(next.url).search : null;
    }
    return resources;
  }

  const start = (o) => Date.parse(o.effectiveDateTime || (o.effectivePeriod && o.effectivePeriod.start));
  const end = (o) => Date.parse((o.effectivePeriod && o.effectivePeriod.end) || o.effectiveDateTime || o.effectivePeriod.start);
  const codes = (o) => ((o.code && o.code.coding) || []).map((c) => c.system + "|" + c.code);
  const localDay = (ms) => { const d = new Date(ms); return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0"); };

  async function heartRate(patient, jwt, now) {
    const from = new Date(now - 24 * HOUR).toISOString();
    document.getElementById("heart-rate").dataset.from = from;
    const obs = await searchAll("patient=" + patient + "&code=" + encodeURIComponent(CODES.heartRate) + "&date=ge" + encodeURIComponent(from) + "&_sort=date&_count=1000", jwt);
    const bins = new Map();
    obs.forEach((o) => {
      const v = o.valueQuantity && o.valueQuantity.value;
      if (typeof v !== "number") return;
      const bin = Math.floor(start(o) / 1000 / BIN_SECONDS) * BIN_SECONDS;
      const b = bins.get(bin) || { min: v, max: v, sum: 0, n: 0 };
      b.min = Math.min(b.min, v); b.max = Math.max(b.max, v); b.sum += v; b.n += 1;
      bins.set(bin, b);
    });
    const xs = [...bins.keys()].sort((a, b) => a - b);
    return { observations: obs.length, data: [xs, xs.map((x) => bins.get(x).min), xs.map((x) => Math.round(bins.get(x).sum / bins.get(x).n)), xs.map((x) => bins.get(x).max)] };
  }

  async function steps(patient, jwt, now) {
    const first = new Date(now); first.setHours(0, 0, 0, 0); first.setDate(first.getDate() - 13);
    const obs = await searchAll("patient=" + patient + "&code=" + encodeURIComponent(CODES.steps) + "&date=ge" + encodeURIComponent(first.toISOString()) + "&_sort=date&_count=1000", jwt);
    const days = [];
    const sums = new Map();
    for (let i = 0; i < 14; i++) {
      const d = new Date(first); d.setDate(first.getDate() + i);
      days.push(d.getTime() / 1000); sums.set(localDay(d.getTime()), 0);
    }
    obs.forEach((o) => {
      const day = localDay(start(o));
      if (sums.has(day) && o.valueQuantity) sums.set(day, sums.get(day) + o.valueQuantity.value);
    });
    return { observations: obs.length, data: [days, days.map((d) => Math.round(sums.get(localDay(d * 1000))))] };
  }

  function stageOf(o) {
    const c = codes(o);
    const stage = STAGES.find((s) => c.includes(LOINC + "|" + s.loinc));
    return stage ? stage.level : AWAKE_LEVEL;
  }

  async function sleep(patient, jwt, now) {
    const obs = await searchAll("patient=" + patient + "&code=" + encodeURIComponent(SLEEP_CODES.join(",")) + "&date=ge" + encodeURIComponent(new Date(now - 36 * HOUR).toISOString()) + "&_sort=date&_count=1000", jwt);
    // Stages only: a Health Connect session is the parent of its stages (hasMember).
    const segments = obs.filter((o) => !o.hasMember && o.effectivePeriod).map((o) => ({ from: start(o), to: end(o), level: stageOf(o) }))
      .sort((a, b) => a.from - b.from);
    if (segments.length === 0) return { segments: 0, data: [[], []], asleepMinutes: 0 };
    // Last night: the segments within 16 hours before the latest one ends.
    const lastEnd = Math.max(...segments.map((s) => s.to));
    const night = segments.filter((s) => s.to > lastEnd - 16 * HOUR);
    const xs = [], ys = [];
    night.forEach((s) => { xs.push(s.from / 1000); ys.push(s.level); });
    xs.push(night[night.length - 1].to / 1000); ys.push(night[night.length - 1].level);
    const asleep = night.filter((s) => s.level !== AWAKE_LEVEL).reduce((m, s) => m + (s.to - s.from) / 60000, 0);
    return { segments: night.length, data: [xs, ys], asleepMinutes: Math.round(asleep) };
  }

  async function vitals(patient, jwt) {
    const bundle = await getJson("../fhir/Observation/$lastn?patient=" + patient + "&max=1", jwt);
    const latest = (bundle.entry || []).map((e) => e.resource);
    const pick = (wanted) => latest.filter((o) => codes(o).some((c) => [].concat(wanted).includes(c))).sort((a, b) => end(b) - end(a))[0];
    const out = [];
    const spo2 = pick(CODES.spo2);
    if (spo2) out.push({ name: "SpO₂", value: spo2.valueQuantity.value + " %", at: end(spo2) });
    const bp = pick(CODES.bloodPressure);
    if (bp) {
      const comp = (code) => (bp.component || []).find((c) => c.code.coding.some((x) => x.code === code));
      const sys = comp("8480-6"), dia = comp("8462-4");
      if (sys && dia) out.push({ name: "Blood pressure", value: sys.valueQuantity.value + "/" + dia.valueQuantity.value + " mmHg", at: end(bp) });
    }
    const weight = pick(CODES.weight);
    if (weight) out.push({ name: "Weight", value: (Math.round(weight.valueQuantity.value * 10) / 10) + " " + weight.valueQuantity.unit, at: end(weight) });
    return out;
  }

  function width(el) {
    return Math.max(260, el.clientWidth || 320);
  }

  function draw(id, opts, data) {
    const el = document.getElementById(id);
    if (charts[id]) charts[id].destroy();
    el.textContent = "";
    charts[id] = new uPlot(Object.assign({ width: width(el), height: 220 }, opts), data, el);
    el.dataset.points = String(data[0].length);
  }

  function render(hr, st, sl, vi) {
    document.getElementById("heart-rate").dataset.observations = String(hr.observations);
    draw("heart-rate", {
      scales: { x: { time: true } },
      series: [{}, { label: "min", stroke: "rgba(192,57,43,0.35)" }, { label: "mean /min", stroke: "#c0392b", width: 2 }, { label: "max", stroke: "rgba(192,57,43,0.35)" }],
      bands: [{ series: [3, 1], fill: "rgba(192,57,43,0.12)" }],
      axes: [{}, { label: "/min" }],
    }, hr.data);
    draw("steps", {
      // Half a day either side, so that the first and last bars are whole.
      scales: { x: { time: true, range: (u, min, max) => [min - 43200, max + 43200] } },
      series: [{}, { label: "steps", stroke: "#2e86c1", fill: "rgba(46,134,193,0.45)", paths: uPlot.paths.bars({ size: [0.7, 40] }), points: { show: false } }],
      axes: [{ values: (u, vals) => vals.map((v) => new Date(v * 1000).toLocaleDateString([], { month: "short", day: "numeric" })) }, { size: 60 }],
    }, st.data);
    document.getElementById("steps").dataset.sums = st.data[1].join(",");
    draw("sleep", {
      scales: { x: { time: true }, y: { range: [-0.5, 3.5] } },
      series: [{}, { label: "stage", stroke: "#6c3483", width: 2, paths: uPlot.paths.stepped({ align: 1 }), points: { show: false } }],
      axes: [{}, { splits: () => [0, 1, 2, 3], values: (u, vals) => vals.map((v) => ["Deep", "Light", "REM", "Awake"][v] || ""), size: 60 }],
    }, sl.data);
    document.getElementById("sleep").dataset.segments = String(sl.segments);
    document.getElementById("sleep-summary").textContent = sl.segments
      ? "Asleep " + Math.floor(sl.asleepMinutes / 60) + " h " + (sl.asleepMinutes % 60) + " min" : "No sleep recorded last night.";
    const list = document.getElementById("vitals");
    list.textContent = "";
    vi.forEach((v) => {
      const div = document.createElement("div");
      const dt = document.createElement("dt"); dt.textContent = v.name;
      const dd = document.createElement("dd"); dd.textContent = v.value;
      const small = document.createElement("small"); small.textContent = new Date(v.at).toLocaleString();
      dd.appendChild(small); div.append(dt, dd); list.appendChild(div);
    });
    list.dataset.count = String(vi.length);
  }

  function showMessage(text, state) {
    const m = document.getElementById("message");
    m.textContent = text; m.hidden = false;
    document.getElementById("charts").hidden = true;
    document.getElementById("status").textContent = "";
    document.body.dataset.state = state;
  }

  async function load() {
    const jwt = token();
    const c = jwt && claims(jwt);
    if (!c || !c.patient) {
      showMessage("Open this page from your app: it needs an access token for one patient.", "no-token");
      return false;
    }
    if (c.exp && c.exp * 1000 <= Date.now()) {
      showMessage("Your access has expired. Open the page from your app again to see your trends.", "expired");
      return false;
    }
    const now = Date.now();
    try {
      const [hr, st, sl, vi] = await Promise.all([heartRate(c.patient, jwt, now), steps(c.patient, jwt, now), sleep(c.patient, jwt, now), vitals(c.patient, jwt)]);
      render(hr, st, sl, vi);
      document.getElementById("status").textContent = "Updated " + new Date().toLocaleTimeString() + "; refreshes every minute.";
      if (document.body.dataset.state !== "ready") {
        document.body.dataset.readyMs = String(Math.round(performance.now()));
      }
      document.body.dataset.state = "ready";
      return true;
    } catch (e) {
      if (e instanceof Expired) {
        showMessage("Your access has expired. Open the page from your app again to see your trends.", "expired");
        return false;
      }
      document.getElementById("status").textContent = "Could not load your data (" + e.message + "); retrying.";
      document.body.dataset.state = "error";
      return true;
    }
  }

  load().then((keepGoing) => {
    if (keepGoing) {
      const timer = setInterval(() => load().then((ok) => { if (!ok) clearInterval(timer); }), REFRESH_MS);
    }
  });
  window.addEventListener("resize", () => Object.values(charts).forEach((u) => u.setSize({ width: width(u.root.parentElement), height: 220 })));
})();
