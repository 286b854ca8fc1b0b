// The transition forms open in one <dialog>: shown when htmx fills it, closed by its
// "Cancel" button or Escape (native), emptied when closed.
(function () {
  function dialog() { return document.getElementById("modal"); }

  document.addEventListener("htmx:afterSwap", function (event) {
    var modal = dialog();
    if (!modal || event.detail.target.id !== "modal-body") return;
    if (!modal.open) modal.showModal();
    var first = modal.querySelector(".has-error input, .has-error select, .has-error textarea, input:not([type=hidden]), select, textarea, button");
    if (first) first.focus();
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-close-modal]")) {
      var modal = dialog();
      if (modal && modal.open) modal.close();
    }
  });

  document.addEventListener("close", function (event) {
    if (event.target.id === "modal") document.getElementById("modal-body").innerHTML = "";
  }, true);
})();
