// Entry point, copied to /static/js/application.mjs by `npm run build`.
// Load with: <script type="module" src="/static/js/application.mjs"></script>
// Both files below are self-contained ES modules copied next to this one.
import { initAll as initGovUk } from './govuk-frontend.min.js'
import { initAll as initMoj } from './moj-frontend.min.js'

initGovUk()
initMoj()
