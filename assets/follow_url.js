// The address bar follows the view on screen without a navigation (leadapp/state/url.py).
// push: a new history entry; replace: the search box, so typing does not fill the history.
// The entry keeps React Router's bookkeeping (its index, one past the current entry's on a
// push) with a key of its own; before a push the current entry gets a key of its own too,
// so that coming back to it (popstate) React Router sees a location other than the one it
// last rendered and runs the page's on_load, which reads the view back from the URL.
window.leadappFollowUrl = function (url, replace) {
  if (window.location.pathname + window.location.search === url) return;
  const state = window.history.state || {};
  const key = Math.random().toString(36).slice(2, 10);
  if (replace) {
    window.history.replaceState({ ...state, key }, "", url);
  } else {
    window.history.replaceState({ ...state, key: key + "b" }, "");
    window.history.pushState({ ...state, key, idx: (state.idx ?? 0) + 1 }, "", url);
  }
};
