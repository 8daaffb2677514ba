// Study pages: progress bar widths, the heartbeat of the study player, video anti-skip, quiz timer.
// No inline scripts (CSP): everything reads data- attributes.
(function () {
  "use strict";

  document.querySelectorAll("[data-width]").forEach(function (el) {
    el.style.width = Math.max(0, Math.min(100, parseInt(el.getAttribute("data-width"), 10) || 0)) + "%";
  });

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  function mmss(total) {
    total = Math.max(0, Math.floor(total));
    var m = Math.floor(total / 60), s = total % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }

  var player = document.getElementById("study-player");
  if (player && player.getAttribute("data-own") === "1") {
    var url = player.getAttribute("data-beat-url");
    var item = parseInt(player.getAttribute("data-item"), 10);
    var interval = (parseInt(player.getAttribute("data-interval"), 10) || 30) * 1000;
    var idle = (parseInt(player.getAttribute("data-idle"), 10) || 300) * 1000;
    var required = parseInt(player.getAttribute("data-required"), 10) || 0;
    var seconds = parseInt(player.getAttribute("data-seconds"), 10) || 0;
    var furthest = parseInt(player.getAttribute("data-furthest"), 10) || 0;
    var counter = player.querySelector("[data-role=counter]");
    var statusText = player.querySelector("[data-role=status-text]");
    var video = document.querySelector("video[data-role=video]");
    var lastActive = Date.now();
    var done = false;

    ["mousemove", "keydown", "scroll", "touchstart", "click"].forEach(function (name) {
      window.addEventListener(name, function () { lastActive = Date.now(); }, { passive: true });
    });

    function show() {
      if (counter && !video && required) { counter.textContent = mmss(seconds) + " / " + mmss(required); }
      if (counter && video && video.duration) { counter.textContent = Math.floor(100 * furthest / video.duration) + "%"; }
    }

    function markDone() {
      done = true;
      var box = player.querySelector("[data-testid=study-status]");
      if (box) { box.classList.remove("alert-secondary"); box.classList.add("alert-success"); }
      if (statusText) { statusText.textContent = player.getAttribute("data-done-text"); }
      if (counter) { counter.textContent = ""; }
    }

    function beat() {
      if (done) { return; }
      var playing = video && !video.paused && !video.ended;
      var body = {
        item: item,
        visible: document.visibilityState === "visible",
        active: playing || (Date.now() - lastActive) < idle,
      };
      if (video) { body.position = Math.floor(video.currentTime || 0); }
      fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), "Accept": "application/json" },
        body: JSON.stringify(body),
      }).then(function (r) { return r.json().then(function (data) { return { ok: r.ok, data: data }; }); })
        .then(function (res) {
          if (!res.ok) { return; }
          seconds = res.data.seconds;
          furthest = res.data.furthest_position;
          show();
          if (res.data.completed) { markDone(); }
        }).catch(function () { /* offline: the next beat catches up within the server's limits */ });
    }

    if (video) {
      var start = parseInt(player.getAttribute("data-position"), 10) || 0;
      video.addEventListener("loadedmetadata", function () { if (start) { video.currentTime = start; } show(); });
      video.addEventListener("seeking", function () {
        if (video.currentTime > furthest + 10) {
          video.currentTime = furthest;
          if (statusText) { statusText.textContent = player.getAttribute("data-skip-text"); }
        }
      });
      video.addEventListener("timeupdate", function () {
        if (video.currentTime <= furthest + 10) { furthest = Math.max(furthest, Math.floor(video.currentTime)); }
      });
      video.addEventListener("pause", beat);
    }
    document.addEventListener("visibilitychange", beat);
    show();
    beat();
    window.setInterval(beat, interval);
  }

  var timer = document.querySelector("[data-role=quiz-timer]");
  if (timer) {
    var left = parseInt(timer.getAttribute("data-seconds-left"), 10) || 0;
    var out = timer.querySelector("[data-role=left]");
    var deadline = Date.now() + left * 1000;
    var tick = function () {
      var rest = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      out.textContent = mmss(rest);
      if (rest <= 0) {
        var form = timer.closest("form");
        if (form && !form.dataset.sent) { form.dataset.sent = "1"; form.submit(); }
        return;
      }
      window.setTimeout(tick, 1000);
    };
    tick();
  }
})();
