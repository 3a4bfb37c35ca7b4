// Copies front-end assets into yoi_welfare/static/ (run after Sass).
// Plain Node fs APIs only, so it works the same on Linux/macOS/Windows.
//
//   node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js(.map) -> static/js/
//   node_modules/@ministryofjustice/frontend/moj/moj-frontend.min.js(.map) -> static/js/
//   assets/js/application.mjs -> static/js/
//   govuk-frontend assets/ (images, manifest.json) -> static/assets/  (NOT fonts/)
//   MOJ Frontend assets/images -> static/assets/images/
import { cpSync, mkdirSync, rmSync } from 'node:fs'
import { basename, dirname, join, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const govuk = join(root, 'node_modules', 'govuk-frontend', 'dist', 'govuk')
const moj = join(root, 'node_modules', '@ministryofjustice', 'frontend', 'moj')
const staticDir = join(root, 'yoi_welfare', 'static')
const jsOut = join(staticDir, 'js')
const assetsOut = join(staticDir, 'assets')

const copyFile = (src, destDir) => {
  mkdirSync(destDir, { recursive: true })
  cpSync(src, join(destDir, basename(src)))
}

// JavaScript
for (const file of [
  join(govuk, 'govuk-frontend.min.js'),
  join(govuk, 'govuk-frontend.min.js.map'),
  join(moj, 'moj-frontend.min.js'),
  join(moj, 'moj-frontend.min.js.map'),
  join(root, 'assets', 'js', 'application.mjs')
]) {
  copyFile(file, jsOut)
}

// Static assets: start clean so removed upstream files don't linger
rmSync(assetsOut, { recursive: true, force: true })

// GOV.UK Frontend assets, minus the GDS Transport fonts (we use system fonts)
const govukFonts = join(govuk, 'assets', 'fonts')
cpSync(join(govuk, 'assets'), assetsOut, {
  recursive: true,
  filter: (src) => src !== govukFonts && !src.startsWith(govukFonts + sep)
})

// MOJ Frontend images (referenced by its component CSS)
cpSync(join(moj, 'assets', 'images'), join(assetsOut, 'images'), {
  recursive: true
})

console.log(`Copied JS to ${jsOut} and assets to ${assetsOut}`)
