// Pipeline board: dragging a card onto another column asks the server for the form of the
// transition leading there (shown in the modal); the card goes back to its place until the
// transition is done (the page then moves to the case). Each card's menu does the same
// without a mouse.
(function () {
  function init() {
    var board = document.querySelector(".board[data-move-template]");
    if (!board || typeof Sortable === "undefined") return;
    var template = board.dataset.moveTemplate;
    board.querySelectorAll("ol.cards").forEach(function (list) {
      Sortable.create(list, {
        group: "pipeline",
        sort: false,
        draggable: ".card",
        filter: "[data-no-drag], summary, button",
        preventOnFilter: false,
        onEnd: function (event) {
          var card = event.item;
          var target = event.to.dataset.stage;
          var source = event.from.dataset.stage;
          // Back where it was: the server decides whether it moves.
          if (event.from !== event.to) {
            event.from.insertBefore(card, event.from.children[event.oldIndex] || null);
          }
          if (!target || target === source) return;
          var url = template.replace("/0/", "/" + card.dataset.case + "/").replace("STAGE", target);
          htmx.ajax("GET", url, { target: "#modal-body", swap: "innerHTML" });
        },
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
