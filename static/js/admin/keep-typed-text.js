// Publishing right after typing must not lose text. Two things in Wagtail 8's editor race a
// submit:
// 1. The rich text editor copies its content into the form 250 ms after the last change (a
//    timer in Wagtail's commentable Draftail editor), so a quicker submit posts the text as it
//    was before: often empty, and the page that comes back shows the field empty.
// 2. An autosave may be under way (it posts 500 ms after it starts). On a new page it posts to
//    the "create" address, as the submit does, so the page is created twice: a "slug in use"
//    error, or a 500, with an empty draft left over.
// So every rich text field is written into the form first; a submit made while an autosave is
// under way waits for it, then goes to the address the autosave moved the form to; and once a
// submit goes ahead, no autosave starts beside it.
(() => {
  const RESUBMIT_AFTER_MS = 15000;
  const autosaving = new WeakSet();
  const submitted = new WeakSet();

  const flushRichText = (form) => {
    form.querySelectorAll("input").forEach((input) => {
      const editor = input.draftailEditor;
      if (!editor || !window.Draftail) return;
      const raw = window.Draftail.serialiseEditorStateToRaw(editor.getEditorState());
      // As Wagtail saves it: without the inline styles that only mark comments on screen.
      const kept = new Set((editor.props.inlineStyles || []).map((style) => style.type));
      raw?.blocks.forEach((block) => {
        block.inlineStyleRanges = block.inlineStyleRanges.filter((range) => kept.has(range.style));
      });
      input.rawContentState = raw;
      input.value = JSON.stringify(raw);
    });
  };

  const submitAfterAutosave = (form, submitter) => {
    const name = submitter?.name;
    let timer = null;
    const resubmit = () => {
      form.removeEventListener("w-autosave:success", resubmit);
      form.removeEventListener("w-autosave:error", resubmit);
      window.clearTimeout(timer);
      autosaving.delete(form);
      // The autosave may have redrawn the buttons: find this one again by its name. Wagtail
      // disables a clicked button while it works, and a disabled button's name is not sent:
      // "Publish" would arrive as a plain save.
      const button = Array.from(form.elements).find(
        (element) => element.type === "submit" && element.name === name,
      );
      if (button) button.disabled = false;
      form.requestSubmit(button);
    };
    form.addEventListener("w-autosave:success", resubmit);
    form.addEventListener("w-autosave:error", resubmit);
    timer = window.setTimeout(resubmit, RESUBMIT_AFTER_MS);
  };

  document.addEventListener("w-autosave:save", (event) => {
    if (submitted.has(event.target)) {
      event.preventDefault();
    } else {
      autosaving.add(event.target);
    }
  });
  for (const name of ["w-autosave:success", "w-autosave:error"]) {
    document.addEventListener(name, (event) => autosaving.delete(event.target));
  }

  const isEditForm = (target) =>
    target instanceof HTMLFormElement && target.matches("[data-edit-form]");

  document.addEventListener(
    "submit",
    (event) => {
      const form = event.target;
      if (!isEditForm(form)) return;
      flushRichText(form);
      if (autosaving.has(form)) {
        event.preventDefault();
        event.stopImmediatePropagation();
        submitAfterAutosave(form, event.submitter);
      }
    },
    true,
  );

  document.addEventListener("submit", (event) => {
    if (isEditForm(event.target) && !event.defaultPrevented) submitted.add(event.target);
  });
})();
