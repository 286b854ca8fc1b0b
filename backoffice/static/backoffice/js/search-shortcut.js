// "/" anywhere (outside a text field) puts the cursor in the header's global search.
document.addEventListener("keydown", function (event) {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
  var target = event.target;
  var typing = target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
  if (typing) return;
  var box = document.getElementById("global-search");
  if (!box) return;
  event.preventDefault();
  box.focus();
  box.select();
});
