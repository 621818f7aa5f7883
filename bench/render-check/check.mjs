// The render check: our posters next to <model-viewer> (the storefront's viewer) drawing the same
// delivered GLB at the poster's own camera, in Debian's Chromium (playwright-core, WebGL through
// SwiftShader).
//
//   NODE_TOOLS=DIR node check.mjs WORK_DIR VENDOR_DIR
//
// NODE_TOOLS is the npm prefix holding playwright-core. WORK_DIR holds one folder per model,
// made by render-check.sh: `model.glb` (our delivery GLB), `posters.json` (the looks and the
// posters' camera in model-viewer's units) and `poster-<label>-512.png` per look. VENDOR_DIR has the layout of web/vendor
// (model-viewer/, draco/, basis/, meshopt/). For every look it prints the silhouette IoU of the
// two alpha masks and the SSIM of luminance after cropping both to the subject, and writes
// `viewer-<label>.png` (model-viewer's frame) beside the poster. RENDER_CHECK_VIEWER_CACHE=DIR
// reuses the frames of an earlier run's WORK_DIR where it drew the same GLB bytes at the same
// camera (for iterating on the renderer; CI never sets it).
// The last line of stdout is JSON with every row, for the shell script's verdict.
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';

const { chromium } = createRequire(join(process.env.NODE_TOOLS ?? '.', 'node_modules', '.'))('playwright-core');

const [work, vendor] = process.argv.slice(2);
const SIZE = 512;
const TYPES = {
  '.html': 'text/html', '.js': 'text/javascript', '.cjs': 'text/javascript', '.wasm': 'application/wasm',
  '.glb': 'model/gltf-binary', '.png': 'image/png', '.json': 'application/json',
};

/** A static file server over WORK_DIR (/work/…) and VENDOR_DIR (/vendor/…), and the page. */
function serve() {
  const page = `<!doctype html><meta charset="utf-8"><style>body{margin:0;background:#fff}
model-viewer{width:${SIZE}px;height:${SIZE}px;display:block;background:transparent}</style>
<script>self.ModelViewerElement = { dracoDecoderLocation: '/vendor/draco/',
  ktx2TranscoderLocation: '/vendor/basis/', meshoptDecoderLocation: '/vendor/meshopt/meshopt_decoder.js' };</script>
<script type="module" src="/vendor/model-viewer/model-viewer.min.js"></script>
<model-viewer id="mv" interaction-prompt="none" loading="eager" reveal="auto"></model-viewer>`;
  const server = createServer((request, response) => {
    const url = new URL(request.url, 'http://localhost');
    let root = null;
    let path = decodeURIComponent(url.pathname);
    if (path === '/') {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end(page);
      return;
    }
    if (path.startsWith('/work/')) { root = work; path = path.slice(6); }
    else if (path.startsWith('/vendor/')) { root = vendor; path = path.slice(8); }
    const file = root && normalize(join(root, path));
    if (!file || !file.startsWith(normalize(root)) || !statSync(file, { throwIfNoEntry: false })?.isFile()) {
      response.writeHead(404);
      response.end();
      return;
    }
    response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    response.end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/**
 * In the page: loads `model` at `camera` with `variant`, draws one frame, and answers its pixels
 * and our poster's as data URLs of the same size.
 */
async function drawInPage({ model, camera, variant, poster, size }) {
  const mv = /** @type {any} */ (document.getElementById('mv'));
  await customElements.whenDefined('model-viewer');
  const loaded = new Promise((resolve, reject) => {
    mv.addEventListener('load', resolve, { once: true });
    mv.addEventListener('error', (e) => reject(new Error(`model-viewer: ${e.detail?.type ?? 'error'}`)), { once: true });
  });
  const radius = parseFloat(camera.camera_orbit.split(' ')[2]);
  mv.setAttribute('min-camera-orbit', `auto auto ${radius * 0.5}m`);
  mv.setAttribute('max-camera-orbit', `auto auto ${radius * 2}m`);
  mv.setAttribute('camera-orbit', camera.camera_orbit);
  mv.setAttribute('camera-target', camera.camera_target);
  mv.setAttribute('field-of-view', camera.field_of_view);
  mv.setAttribute('interpolation-decay', '1');
  if (mv.getAttribute('src') !== model) {
    mv.setAttribute('src', model);
    await loaded;
  }
  if ((mv.variantName ?? null) !== variant) {
    const applied = new Promise((resolve) => mv.addEventListener('variant-applied', resolve, { once: true }));
    mv.variantName = variant;
    await Promise.race([applied, new Promise((r) => setTimeout(r, 3000))]);
  }
  await mv.updateComplete;
  mv.jumpCameraToGoal();
  for (let i = 0; i < 6; i++) await new Promise((r) => requestAnimationFrame(r));
  const viewer = mv.toDataURL('image/png');
  const image = new Image();
  image.src = poster;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = size;
  canvas.height = size;
  canvas.getContext('2d').drawImage(image, 0, 0, size, size);
  return { viewer, ours: canvas.toDataURL('image/png') };
}

/** RGBA pixels of a PNG data URL, decoded in the page. */
async function pixelsInPage(dataUrl) {
  const image = new Image();
  image.src = dataUrl;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = image.width;
  canvas.height = image.height;
  const context = canvas.getContext('2d', { willReadFrequently: true });
  context.drawImage(image, 0, 0);
  return Array.from(context.getImageData(0, 0, image.width, image.height).data);
}

/** Pixels whose alpha is at least 60 %: the product (our contact shadow stays below 55 %). */
function silhouette(rgba) {
  const mask = new Uint8Array(rgba.length / 4);
  for (let i = 0; i < mask.length; i++) mask[i] = rgba[i * 4 + 3] >= 153 ? 1 : 0;
  return mask;
}

function iou(a, b) {
  let both = 0, either = 0;
  for (let i = 0; i < a.length; i++) { both += a[i] & b[i]; either += a[i] | b[i]; }
  return either === 0 ? 1 : both / either;
}

/** Rec. 709 luma of the sRGB values where `mask` is set, white elsewhere, over `box`. */
function luma(rgba, mask, [x0, y0, x1, y1]) {
  const w = x1 - x0, h = y1 - y0, out = new Float64Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y + y0) * SIZE + x + x0;
      out[y * w + x] = mask[i]
        ? (0.2126 * rgba[i * 4] + 0.7152 * rgba[i * 4 + 1] + 0.0722 * rgba[i * 4 + 2]) / 255
        : 1;
    }
  }
  return { data: out, w, h };
}

/** The bounding box of either mask, 4 px wider on each side, clamped to the frame. */
function subjectBox(a, b) {
  let x0 = SIZE, y0 = SIZE, x1 = 0, y1 = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] | b[i]) {
      const x = i % SIZE, y = (i / SIZE) | 0;
      x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x + 1); y1 = Math.max(y1, y + 1);
    }
  }
  if (x1 <= x0) return [0, 0, SIZE, SIZE];
  return [Math.max(0, x0 - 4), Math.max(0, y0 - 4), Math.min(SIZE, x1 + 4), Math.min(SIZE, y1 + 4)];
}

/** Separable Gaussian blur (σ 1.5, 11 taps), edges clamped. */
function blur({ data, w, h }) {
  const k = Array.from({ length: 11 }, (_, i) => Math.exp(-((i - 5) ** 2) / (2 * 1.5 * 1.5)));
  const sum = k.reduce((s, v) => s + v, 0);
  const kernel = k.map((v) => v / sum);
  const tmp = new Float64Array(w * h), out = new Float64Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    let s = 0;
    for (let t = 0; t < 11; t++) s += kernel[t] * data[y * w + Math.min(w - 1, Math.max(0, x + t - 5))];
    tmp[y * w + x] = s;
  }
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    let s = 0;
    for (let t = 0; t < 11; t++) s += kernel[t] * tmp[Math.min(h - 1, Math.max(0, y + t - 5)) * w + x];
    out[y * w + x] = s;
  }
  return out;
}

/** Mean SSIM (Wang et al. 2004, Gaussian window, K1 0.01, K2 0.03) of two luma images. */
function ssim(a, b) {
  const { w, h } = a;
  const product = (p, q) => ({ data: p.data.map((v, i) => v * q.data[i]), w, h });
  const [ma, mb] = [blur(a), blur(b)];
  const [saa, sbb, sab] = [blur(product(a, a)), blur(product(b, b)), blur(product(a, b))];
  const c1 = 0.01 ** 2, c2 = 0.03 ** 2;
  let total = 0;
  for (let i = 0; i < w * h; i++) {
    const va = saa[i] - ma[i] ** 2, vb = sbb[i] - mb[i] ** 2, cov = sab[i] - ma[i] * mb[i];
    total += ((2 * ma[i] * mb[i] + c1) * (2 * cov + c2)) / ((ma[i] ** 2 + mb[i] ** 2 + c1) * (va + vb + c2));
  }
  return total / (w * h);
}

/** Mean luma (0–1) of the product's pixels; 0 when there are none. */
function meanLuma(rgba, mask) {
  let total = 0, n = 0;
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    total += (0.2126 * rgba[i * 4] + 0.7152 * rgba[i * 4 + 1] + 0.0722 * rgba[i * 4 + 2]) / 255;
    n++;
  }
  return n ? total / n : 0;
}

/**
 * The viewer's frame of an earlier run (RENDER_CHECK_VIEWER_CACHE=that run's RENDER_CHECK_OUT),
 * when it drew the very same GLB bytes at the same camera: the frame depends on nothing else,
 * and drawing it through SwiftShader is most of the check's time. Our poster is always today's.
 */
function cachedFrame(model, camera, look) {
  const cache = process.env.RENDER_CHECK_VIEWER_CACHE;
  if (!cache) return null;
  const read = (dir, name) => { try { return readFileSync(join(dir, model, name)); } catch { return null; } };
  const [glb, earlierGlb] = [read(work, 'model.glb'), read(cache, 'model.glb')];
  const [posters, earlierPosters] = [read(work, 'posters.json'), read(cache, 'posters.json')];
  const frame = read(cache, `viewer-${look.label}.png`);
  const poster = read(work, `poster-${look.label}-${SIZE}.png`);
  if (!glb || !earlierGlb || !glb.equals(earlierGlb) || !frame || !poster || !earlierPosters ||
    JSON.stringify(JSON.parse(earlierPosters).camera) !== JSON.stringify(camera)) {
    return null;
  }
  return { viewer: `data:image/png;base64,${frame.toString('base64')}`, ours: `data:image/png;base64,${poster.toString('base64')}` };
}

const server = await serve();
const base = `http://127.0.0.1:${server.address().port}`;
const profile = mkdtempSync(join(tmpdir(), 'showroom-render-check-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
  viewport: { width: SIZE + 32, height: SIZE + 32 },
  deviceScaleFactor: 1,
});
const rows = [];
try {
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(180_000);
  const models = readdirSync(work).filter((m) => statSync(join(work, m, 'posters.json'), { throwIfNoEntry: false })).sort();
  console.log(`${'model'.padEnd(24)} ${'look'.padEnd(18)} ${'IoU'.padStart(6)} ${'SSIM'.padStart(6)} ${'ours_Y'.padStart(7)} ${'mv_Y'.padStart(7)}  note`);
  for (const model of models) {
    await page.goto(`${base}/`);
    const { camera, looks } = JSON.parse(readFileSync(join(work, model, 'posters.json'), 'utf8'));
    for (const look of looks) {
      const row = { model, look: look.name, iou: null, ssim: null, ours_luma: null, viewer_luma: null, ours_coverage: null, note: '' };
      try {
        const drawn = cachedFrame(model, camera, look) ?? await page.evaluate(drawInPage, {
          model: `/work/${model}/model.glb`, camera, variant: look.variant === null ? null : look.name, size: SIZE,
          poster: `/work/${model}/poster-${look.label}-${SIZE}.png`,
        });
        const [viewer, ours] = [await page.evaluate(pixelsInPage, drawn.viewer), await page.evaluate(pixelsInPage, drawn.ours)];
        writeFileSync(join(work, model, `viewer-${look.label}.png`), Buffer.from(drawn.viewer.split(',')[1], 'base64'));
        const [mv, us] = [silhouette(viewer), silhouette(ours)];
        const box = subjectBox(mv, us);
        row.iou = iou(mv, us);
        row.ssim = ssim(luma(ours, us, box), luma(viewer, mv, box));
        row.ours_luma = meanLuma(ours, us);
        row.viewer_luma = meanLuma(viewer, mv);
        row.ours_coverage = us.reduce((s, v) => s + v, 0) / us.length;
      } catch (error) {
        row.note = `viewer failed: ${String(error.message ?? error).split('\n')[0].slice(0, 80)}`;
      }
      rows.push(row);
      const f = (v, d = 3) => (v === null ? '-' : v.toFixed(d)).padStart(6);
      console.log(`${model.padEnd(24)} ${look.name.slice(0, 18).padEnd(18)} ${f(row.iou)} ${f(row.ssim)} ${f(row.ours_luma).padStart(7)} ${f(row.viewer_luma).padStart(7)}  ${row.note}`);
    }
  }
} finally {
  await context.close();
  server.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(JSON.stringify(rows));
