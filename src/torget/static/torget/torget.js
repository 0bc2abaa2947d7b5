/* Torget: the little that needs a script. Served from our own origin (the CSP allows no
   inline script). Pages work without it. */
"use strict";

/* A reply's length as you type, against the platform's limit (data-limit), signature
   included (data-signature-length). The sentences come from the page, translated. */
function countCharacters(field) {
  const limit = parseInt(field.dataset.limit, 10);
  const output = document.getElementById(field.id + "-count");
  if (!limit || !output) return;
  const used = Array.from(field.value.trim()).length + parseInt(field.dataset.signatureLength || "0", 10);
  const over = used - limit;
  output.textContent = (over > 0 ? output.dataset.over : output.dataset.within)
    .replace("{n}", used).replace("{limit}", limit).replace("{over}", over);
  output.classList.toggle("char-count--over", over > 0);
  field.setAttribute("aria-invalid", over > 0 ? "true" : "false");
}

document.querySelectorAll("textarea[data-limit]").forEach(function (field) {
  if (!field.dataset.limit) return;
  field.addEventListener("input", function () { countCharacters(field); });
  countCharacters(field);
});
