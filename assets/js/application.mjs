// Entry point, copied to /static/js/application.mjs by `npm run build`.
// Load with: <script type="module" src="/static/js/application.mjs"></script>
// Both files below are self-contained ES modules copied next to this one.
import { initAll as initGovUk } from './govuk-frontend.min.js'
import { initAll as initMoj } from './moj-frontend.min.js'

initGovUk()
initMoj()
initTimeoutWarning(document.getElementById('timeout-warning'))

// The GOV.UK timeout warning. Two minutes before the session would end (as the server counted
// when it sent the page: the idle limit, or the absolute one), a modal dialog says so; "Stay signed in" (or
// Escape) asks the server to keep the session, which any request does. Activity in another
// tab of the service counts too (localStorage). When time runs out, a page where nothing was
// typed is reloaded, and the server asks the user to sign in again; a page where something
// was typed stays as it is, with a banner: sending the form keeps what was typed on the server
// (kept_forms.py) and gives it back after signing in.
function initTimeoutWarning (dialog) {
  if (!dialog || typeof dialog.showModal !== 'function') return
  const SEEN = 'yoi-welfare-last-request'
  const warnBefore = Number(dialog.dataset.warnBefore) * 1000
  const idle = Number(dialog.dataset.idleSeconds) * 1000
  const loadedAt = Date.now()
  // The session ends at the idle limit after the last request, or at its absolute limit.
  const absoluteEnd = loadedAt + Number(dialog.dataset.absoluteSecondsLeft) * 1000
  let lastRequest = loadedAt
  let typed = false
  let timer = null
  let lastAnnounced = null
  const countdown = dialog.querySelector('.app-timeout-warning__countdown')
  const announcement = dialog.querySelector('#timeout-warning-announcement')

  const end = () => Math.min(lastRequest + idle, absoluteEnd)
  const words = (ms) => {
    const seconds = Math.max(0, Math.ceil(ms / 1000))
    const minutes = Math.floor(seconds / 60)
    const rest = seconds % 60
    const parts = []
    if (minutes) parts.push(`${minutes} minute${minutes === 1 ? '' : 's'}`)
    if (rest || !minutes) parts.push(`${rest} second${rest === 1 ? '' : 's'}`)
    return parts.join(' ')
  }
  const noteRequest = (at) => {
    lastRequest = Math.max(lastRequest, at)
    try { window.localStorage.setItem(SEEN, String(lastRequest)) } catch (e) {}
  }

  const tick = () => {
    const left = end() - Date.now()
    if (left <= 0) return timedOut()
    if (left <= warnBefore) {
      if (!dialog.open) {
        dialog.showModal()
        dialog.querySelector('[data-timeout-stay]').focus()
        lastAnnounced = null
      }
      countdown.textContent = words(left)
      // Said at the start and then every 30 seconds (each 5 in the last 20), not each second.
      const step = left > 20000 ? 30 : 5
      const mark = Math.ceil(left / 1000 / step)
      if (mark !== lastAnnounced) {
        lastAnnounced = mark
        announcement.textContent = `You will be signed out in ${words(left)}.`
      }
    } else if (dialog.open) {
      dialog.close()
    }
    timer = window.setTimeout(tick, 1000)
  }

  const timedOut = () => {
    if (dialog.open) dialog.close()
    if (typed) {
      const banner = document.getElementById('signed-out-banner')
      banner.hidden = false
      banner.focus()
    } else {
      // A moment after the server's own limit, so that the request cannot keep the session.
      window.setTimeout(() => window.location.reload(), 2000)
    }
  }

  const staySignedIn = async () => {
    const response = await window.fetch(dialog.dataset.keepAliveUrl, {
      method: 'POST',
      headers: { 'X-CSRFToken': dialog.dataset.csrfToken, Accept: 'application/json' },
      credentials: 'same-origin',
      redirect: 'manual'
    }).catch(() => null)
    if (!response || !response.ok) return timedOut()
    noteRequest(Date.now())
    if (dialog.open) dialog.close()
    window.clearTimeout(timer)
    tick()
  }

  dialog.querySelector('[data-timeout-stay]').addEventListener('click', staySignedIn)
  dialog.addEventListener('cancel', (event) => { // Escape: as "Stay signed in"
    event.preventDefault()
    staySignedIn()
  })
  document.addEventListener('input', (event) => {
    if (event.target.closest && event.target.closest('form[method="post"]')) typed = true
  })
  window.addEventListener('storage', (event) => {
    if (event.key === SEEN && event.newValue) {
      noteRequest(Number(event.newValue))
      window.clearTimeout(timer)
      tick()
    }
  })
  noteRequest(loadedAt)
  tick()
}
