/* Course website fixes on top of sphinx-book-theme (loaded on every page, see docs/site/conf.py). */
(() => {
  "use strict";

  /* Sidebar buttons. pydata-sphinx-theme and sphinx-book-theme each bind their handler to the FIRST
     `.primary-toggle` / `.secondary-toggle` in the page: the navbar's, which sphinx-book-theme hides.
     The visible buttons in the article header therefore did nothing (on a phone the menu could not be
     opened). Forward a click on a visible button to the bound one. */
  const forwardToggles = () => {
    for (const kind of ["primary-toggle", "secondary-toggle"]) {
      const bound = document.querySelector(`.${kind}`);
      document.querySelectorAll(`.${kind}`).forEach((button) => {
        if (button === bound || !bound) return;
        button.addEventListener("click", (event) => {
          event.preventDefault();
          event.stopPropagation();
          bound.click();
        });
      });
    }
  };

  /* Accessible names. The search button's visible text ("Search" and a shortcut) must be part of its
     name (WCAG 2.5.3); the toggles say what they open. */
  const chinese = document.documentElement.lang.startsWith("zh");   // the Chinese edition (html/zh/)
  const nameButtons = () => {
    document.querySelectorAll("button.search-button-field, .search-button").forEach((button) => {
      const visible = button.textContent.replace(/\s+/g, " ").trim();
      if (visible) button.setAttribute("aria-label", visible);
      else if (!button.getAttribute("aria-label")) button.setAttribute("aria-label", chinese ? "搜索" : "Search");
    });
    document.querySelectorAll(".primary-toggle").forEach((b) => b.setAttribute("aria-label", chinese ? "网站导航" : "Site navigation"));
    document.querySelectorAll(".secondary-toggle").forEach((b) => b.setAttribute("aria-label", chinese ? "本页目录" : "Contents of this page"));
  };

  /* Display formulas that are wider than a phone scroll sideways; a scrollable region must be
     reachable from the keyboard (WCAG 2.1.1), so each one that overflows is focusable. */
  const focusableScrollers = () => {
    document.querySelectorAll("div.math, .bd-article table, div.cell_output pre, div.highlight pre").forEach((el) => {
      if (el.scrollWidth > el.clientWidth + 1 && !el.hasAttribute("tabindex")) el.setAttribute("tabindex", "0");
    });
  };

  /* Search result snippets: the article's prose only (not the page's buttons, contents list or code), and a
     formula as its TeX without the \( \) delimiters, or "(formula)" when it is more than a symbol. */
  const cleanSnippets = () => {
    if (typeof Search === "undefined" || Search.courseSnippets) return;
    Search.courseSnippets = true;
    Search.htmlToText = (htmlString, anchor) => {
      const doc = new DOMParser().parseFromString(htmlString, "text/html");
      const chrome = [".headerlink", "script", "style", ".bd-header-article", ".bd-sidebar-secondary",
                      ".prev-next-area", ".bd-footer-article", ".course-run", "button", ".cell_input", ".cell_output"];
      doc.querySelectorAll(chrome.join(",")).forEach((el) => el.remove());
      doc.querySelectorAll(".math").forEach((el) => {
        const tex = el.textContent.replace(/^\s*(\\\(|\\\[|\$\$?)|(\\\)|\\\]|\$\$?)\s*$/g, "").trim();
        el.textContent = /^[A-Za-z0-9 .,+\-=()']{1,12}$/.test(tex) ? tex : (chinese ? "（公式）" : "(formula)");
      });
      const root = doc.querySelector("article") || doc.querySelector('[role="main"]');
      if (!root) return "";
      const part = anchor ? root.querySelector(anchor) : null;
      return (part || root).textContent.replace(/\s+/g, " ").trim();
    };
  };

  cleanSnippets();
  const ready = () => { forwardToggles(); nameButtons(); cleanSnippets(); };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
  // after MathJax has typeset every formula (its queue runs in order), and again on a narrowed window
  window.addEventListener("load", () => {
    if (window.MathJax && MathJax.Hub) {
      MathJax.Hub.Register.StartupHook("End", () => MathJax.Hub.Queue(focusableScrollers));
      MathJax.Hub.Queue(focusableScrollers);
    }
    setTimeout(focusableScrollers, 1500);
    setTimeout(focusableScrollers, 6000);
  });
  window.addEventListener("resize", () => setTimeout(focusableScrollers, 300));
})();
