// The reception page (docs/security.md): readers and cards live, the key typed or scanned, the record
// with the face and the verdict in plain words, copy buttons, and nothing kept once the card
// is taken away or nobody has used the page for a while. Same origin as the daemon, no
// third-party assets; talks to cancuocd only through cancuoc.js.
import { connect, CancuocError } from "/cancuoc.js";

const $ = (id) => document.getElementById(id);

/** The fields shown, copied one by one and, in this order, as the tab-separated row. */
const FIELDS = [
  ["idNumber", "Số định danh"],
  ["fullName", "Họ và tên"],
  ["dateOfBirth", "Ngày sinh", date],
  ["sex", "Giới tính", (v) => ({ male: "Nam", female: "Nữ" })[v] ?? v],
  ["nationality", "Quốc tịch"],
  ["ethnicity", "Dân tộc"],
  ["religion", "Tôn giáo"],
  ["placeOfOrigin", "Quê quán"],
  ["placeOfResidence", "Nơi thường trú"],
  ["identifyingMarks", "Đặc điểm nhận dạng"],
  ["dateOfIssue", "Ngày cấp", date],
  ["dateOfExpiry", "Có giá trị đến", (v) => (v ? date(v) : "Không thời hạn")],
  ["fatherName", "Họ tên cha"],
  ["motherName", "Họ tên mẹ"],
  ["spouseName", "Họ tên vợ/chồng"],
  ["oldIdNumber", "Số CMND cũ"],
];

/** The three checks of the verdict, named for staff. */
const CHECKS = {
  passive: "chữ ký số của cơ quan cấp trên dữ liệu",
  chip: "xác thực chip",
  active: "chống sao chép chip",
};

function date(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso ?? "");
  return m ? `${m[3]}/${m[2]}/${m[1]}` : iso ?? "";
}

let client = null;
let readers = new Map();       // reader id → listing
let shown = null;              // { reader, values, address } of the record on screen
let clearAfterMs = 120000;
let idleTimer = null;

function setStatus(text, isError = false) {
  $("status").textContent = text;
  $("status").className = isError ? "error" : "";
}

function renderReaders() {
  const list = $("readers");
  list.replaceChildren();
  if (readers.size === 0) {
    const li = document.createElement("li");
    li.textContent = "Không có đầu đọc nào — cắm đầu đọc vào máy";
    list.append(li);
    return;
  }
  for (const r of readers.values()) {
    const li = document.createElement("li");
    li.className = r.cardPresent ? "card" : "";
    li.textContent = `${r.name} — ${r.cardPresent ? "có thẻ" : "chưa có thẻ"}`;
    li.dataset.reader = r.id;
    list.append(li);
  }
}

/** Remove every personal datum from the page. */
function clearRecord(why) {
  shown = null;
  clearTimeout(idleTimer);
  $("record").hidden = true;
  $("fields").tBodies[0].replaceChildren();
  $("address").replaceChildren();
  $("address").hidden = true;
  $("face-image").removeAttribute("src");
  $("face-note").textContent = "";
  $("verdict").textContent = "";
  $("verdict").className = "";
  $("copied").textContent = "";
  $("key").value = "";
  resetFaceCheck();
  if (why) setStatus(why);
}

function touch() {
  if (!shown) return;
  clearTimeout(idleTimer);
  idleTimer = setTimeout(() => clearRecord("Đã xóa dữ liệu vì lâu không thao tác"), clearAfterMs);
}

function verdict(verification) {
  const box = $("verdict");
  const failed = Object.entries(CHECKS).filter(([k]) => verification?.[k]?.status === "failed");
  const reasons = Object.entries(CHECKS).map(([k]) => verification?.[k]).filter((c) => c?.reason).map((c) => c.reason);
  box.className = verification?.status ?? "unverified";
  const small = document.createElement("small");
  switch (verification?.status) {
    case "verified":
      box.textContent = "Đã xác thực: thẻ thật, dữ liệu do cơ quan cấp ký";
      break;
    case "failed":
      box.textContent = "Thẻ có dấu hiệu giả mạo — không đạt: " + failed.map(([, name]) => name).join(", ");
      small.textContent = "Đề nghị xem giấy tờ khác. " + reasons.join("; ");
      break;
    default:
      box.className = "unverified";
      box.textContent = "Chưa xác thực được";
      small.textContent = (verification?.status === "notPerformed"
        ? "Máy này chưa kiểm tra chữ ký của thẻ. "
        : "Thiếu chứng thư của cơ quan cấp hoặc chip không hỗ trợ kiểm tra. ") + reasons.join("; ");
  }
  if (small.textContent) box.append(small);
}

async function copy(text, what) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const area = document.createElement("textarea");
    area.value = text;
    document.body.append(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }
  $("copied").textContent = `Đã sao chép ${what}`;
  touch();
}

function showRecord(reader, record) {
  const person = record.person ?? {};
  const values = FIELDS.map(([key, , format]) => {
    const raw = person[key];
    return raw === null || raw === undefined ? (key === "dateOfExpiry" ? format(raw) : "") : format ? format(raw) : String(raw);
  });
  const body = $("fields").tBodies[0];
  body.replaceChildren();
  FIELDS.forEach(([key, label], i) => {
    const tr = document.createElement("tr");
    const th = document.createElement("th");
    th.scope = "row";
    th.textContent = label;
    const td = document.createElement("td");
    td.textContent = values[i];
    td.dataset.field = key;
    const cell = document.createElement("td");
    cell.className = "copy";
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = "Sao chép";
    button.dataset.copy = key;
    button.setAttribute("aria-label", `Sao chép ${label}`);
    button.addEventListener("click", () => copy(values[i], label.toLowerCase()));
    if (values[i]) cell.append(button);
    tr.append(th, td, cell);
    body.append(tr);
  });
  const face = record.face;
  if (face?.data && (face.mimeType === "image/jpeg" || face.mimeType === "image/png")) {
    $("face-image").src = `data:${face.mimeType};base64,${face.data}`;
    $("face-note").textContent = "";
  } else {
    $("face-image").removeAttribute("src");
    $("face-note").textContent = record.faceStatus === "pending" ? "Đang đọc ảnh chân dung…"
      : face?.data ? "Ảnh dạng JPEG 2000: trình duyệt không hiển thị được" : "Không có ảnh";
  }
  verdict(record.verification);
  shown = { reader, values, address: showAddress(person.placeOfResidenceAddress) };
  $("record").hidden = false;
  setStatus(record.faceStatus === "pending" ? "Đã đọc và xác thực thông tin; đang đọc ảnh…"
    : "Đã đọc xong. Rút thẻ ra để xóa dữ liệu khỏi màn hình.");
  touch();
}

/**
 * The place of residence in today's units (docs/address.md): the current province and
 * commune with their codes; where the commune was split or the name is ambiguous, one button per
 * candidate and nothing chosen until staff pick one. Returns the state the copy-all row reads.
 */
function showAddress(address) {
  const box = $("address");
  box.replaceChildren();
  box.hidden = !address;
  if (!address) return null;
  const state = { address, commune: address.current.commune };
  const unit = (u) => (u ? `${u.name} (${u.code})` : "—");
  const line = document.createElement("p");
  const render = () => {
    line.textContent = `Địa chỉ hiện nay: ${unit(state.commune)}, ${unit(address.current.province)}`;
    line.dataset.commune = state.commune?.code ?? "";
  };
  render();
  line.id = "address-current";
  box.append(line);
  if (address.current.candidates.length > 0) {
    const note = document.createElement("p");
    note.textContent = address.match === "split"
      ? `${address.asPrinted.commune?.name ?? "Xã/phường"} đã được chia — chọn xã/phường hiện nay:`
      : "Tên trùng nhiều đơn vị — chọn xã/phường hiện nay:";
    box.append(note);
    for (const candidate of address.current.candidates) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = candidate.name;
      button.dataset.candidate = candidate.code;
      button.addEventListener("click", () => {
        state.commune = candidate;
        for (const b of box.querySelectorAll("button[data-candidate]")) {
          b.setAttribute("aria-pressed", String(b === button));
        }
        render();
        touch();
      });
      button.setAttribute("aria-pressed", "false");
      box.append(button);
    }
  } else if (!state.commune) {
    const note = document.createElement("p");
    note.textContent = address.match === "unresolved"
      ? "Không nhận ra đơn vị hành chính — chọn trong danh mục của phần mềm."
      : "Chỉ xác định được tỉnh — chọn xã/phường trong danh mục của phần mềm.";
    box.append(note);
  }
  return state;
}

/** The codes the copy-all row ends with: current province (2 digits), commune (5), as chosen. */
function addressCodes(state) {
  return [state?.address?.current?.province?.code ?? "", state?.commune?.code ?? ""];
}

/** The key as typed or scanned: 12 digits, 6 digits, or the QR text of the card's front. */
function parseKey(text) {
  const t = text.trim();
  if (/^\d{12}$/.test(t)) return { id: t };
  if (/^\d{6}$/.test(t)) return { can: t };
  if (t.includes("|")) return { qr: t };
  return null;
}

async function readCard(event) {
  event.preventDefault();
  const key = parseKey($("key").value);
  if (!key) return setStatus("Nhập 12 số định danh, 6 số CAN, hoặc quét mã QR trên thẻ", true);
  if (!client) return setStatus("Chưa kết nối dịch vụ đọc thẻ", true);
  clearRecord();
  setStatus("Đặt thẻ lên đầu đọc… (đang chờ thẻ)");
  $("read").disabled = true;
  try {
    const withCard = [...readers.values()].filter((r) => r.cardPresent);
    // faceCheck: the daemon keeps the chip portrait (in memory, 180 s at most) for "Kiểm tra khuôn mặt".
    const options = { waitForCardSeconds: 60, includeFace: true, faceCheck: true };
    if (withCard.length === 1) options.reader = withCard[0].id;
    // The verified identity is shown (and can be copied) while the face is still being read.
    options.onIdentity = (identity) => showRecord(options.reader ?? null, identity);
    const record = await client.read(key, options);
    showRecord(options.reader ?? null, record);
    // A failed verdict is never face-checked (docs/face-check.md).
    $("face-check").hidden = record.verification?.status === "failed" || !record.face;
  } catch (error) {
    setStatus(error instanceof CancuocError ? error.messageVi : "Lỗi không xác định khi đọc thẻ", true);
  } finally {
    $("read").disabled = false;
    $("key").value = "";
    $("key").focus();
  }
}

async function refreshReaders() {
  const list = await client.readers();
  readers = new Map(list.readers.map((r) => [r.id, r]));
  if (!list.pcscAvailable) setStatus("Dịch vụ thẻ thông minh (pcscd) không chạy", true);
  renderReaders();
}

function onCard(present) {
  return (event) => {
    const r = readers.get(event.detail.reader);
    if (r) r.cardPresent = present;
    else refreshReaders().catch(() => {});
    renderReaders();
    if (!present && shown && (shown.reader === null || shown.reader === event.detail.reader)) {
      clearRecord("Thẻ đã được rút ra: dữ liệu đã xóa khỏi màn hình");
    }
  };
}

async function start() {
  try {
    const settings = await fetch("/reception-settings.json").then((r) => r.json());
    if (settings.clearAfterSeconds > 0) clearAfterMs = settings.clearAfterSeconds * 1000;
  } catch { /* keep the default */ }
  const url = `ws://${location.host}/api`;
  client = await connect({ url });
  client.addEventListener("card.inserted", onCard(true));
  client.addEventListener("card.removed", onCard(false));
  client.addEventListener("reader.attached", () => refreshReaders().catch(() => {}));
  client.addEventListener("reader.detached", (e) => { readers.delete(e.detail.reader); renderReaders(); });
  client.addEventListener("close", () => {
    $("connection").textContent = "Mất kết nối dịch vụ đọc thẻ — đang thử lại…";
    $("connection").className = "bad";
    clearRecord();
  });
  client.addEventListener("open", async () => {
    $("connection").textContent = "Đã kết nối dịch vụ đọc thẻ" + (client.hello?.facility ? ` — ${client.hello.facility}` : "");
    $("connection").className = "";
    await refreshReaders().catch(() => {});
  });
  await client.subscribe();
  $("connection").textContent = "Đã kết nối dịch vụ đọc thẻ" + (client.hello?.facility ? ` — ${client.hello.facility}` : "");
  await refreshReaders();
  document.body.dataset.ready = "true";
}

$("key-form").addEventListener("submit", readCard);
$("clear").addEventListener("click", () => clearRecord("Đã xóa dữ liệu"));
$("copy-all").addEventListener("click", () => shown && copy(
  [...shown.values, ...addressCodes(shown.address)].join("\t"), "toàn bộ thông tin"));
for (const type of ["keydown", "pointerdown"]) document.addEventListener(type, touch);
start().catch((error) => {
  $("connection").textContent = error?.messageVi ?? "Không kết nối được dịch vụ đọc thẻ";
  $("connection").className = "bad";
});

// --- Kiểm tra khuôn mặt (docs/face-check.md) ---------------------------------------
// After a read: staff ask the patient's consent; with it, the camera opens, three frames go to
// the daemon, and the decision is shown in plain Vietnamese. Without it, the camera never opens
// and no frame leaves the page. Nothing of the face is kept.
let faceStream = null;

function resetFaceCheck() {
  faceStream?.getTracks().forEach((track) => track.stop());
  faceStream = null;
  $("face-check").hidden = true;
  $("face-consent").hidden = true;
  $("face-preview").hidden = true;
  $("face-preview").srcObject = null;
  $("face-result").textContent = "";
  $("face-result").className = "";
  $("face-check-start").disabled = false;
}

function showFaceResult(result) {
  const lines = [`Kiểm tra khuôn mặt: ${result.messageVi}`];
  if (result.distance !== null && result.distance !== undefined) {
    const t = result.thresholds;
    lines.push(`Khoảng cách ${result.distance} (khớp khi ≤ ${t.matchAtMost}, không khớp khi > ${t.noMatchAbove}). ` +
      "Đây là ý kiến tham khảo: nhân viên vẫn so sánh bằng mắt.");
  }
  $("face-result").textContent = lines.join(" ");
  $("face-result").className = result.decision;
  $("face-result").dataset.decision = result.decision;
}

$("face-check-start").addEventListener("click", () => {
  $("face-check-start").disabled = true;
  $("face-consent").hidden = false;
  $("face-result").textContent = "";
});

$("face-consent-no").addEventListener("click", async () => {
  $("face-consent").hidden = true;
  try {
    showFaceResult(await client.faceCheck({ consent: false }));
  } catch (error) {
    $("face-result").textContent = error instanceof CancuocError ? error.messageVi : "Không kiểm tra được khuôn mặt";
  }
});

$("face-consent-yes").addEventListener("click", async () => {
  $("face-consent").hidden = true;
  $("face-result").textContent = "Nhìn thẳng vào camera…";
  try {
    faceStream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 } });
    const video = $("face-preview");
    video.srcObject = faceStream;
    video.hidden = false;
    await video.play();
    const result = await client.faceCheck({ consent: true, video, count: 3, intervalMs: 300 });
    showFaceResult(result);
  } catch (error) {
    $("face-result").textContent = error instanceof CancuocError ? error.messageVi
      : "Không mở được camera: hãy kiểm tra camera và quyền truy cập camera của trình duyệt.";
  } finally {
    faceStream?.getTracks().forEach((track) => track.stop());
    faceStream = null;
    $("face-preview").srcObject = null;
    $("face-preview").hidden = true;
  }
});
