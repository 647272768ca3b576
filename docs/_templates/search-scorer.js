// The site's search ranking (html_search_scorer in conf.py), Sphinx's default with one rule
// added: a page about the topic searched for comes first. A result ranks above all others when
// it is on a page of the text (not the API reference) whose own title contains every word of
// the query, so that "born dead" finds the page "Born dead" before the functions of
// dying_relu.born_dead, and "leaky" the page "Leaky ReLU" before the claims ledger's rows.
// Sphinx puts this into language_data.js, which every page loads: only Scorer is global.

var Scorer = (() => {
  /** Added to the score of a result on the topic's own page: above any score Sphinx gives. */
  const TOPIC_BOOST = 1000;

  /** The words of the query in the address of the search page, in lower case. */
  const queryWords = () => {
    const query = new URLSearchParams(window.location.search).get("q") || "";
    return query.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((word) => word.length > 0);
  };

  /** Whether a page is part of the API reference rather than the text. */
  const isApiPage = (docname) => docname === "api" || docname.startsWith("generated/");

  return {
    // result: [docname, title, anchor, descr, score, filename, kind]; a section's title is
    // "Page title > Section title".
    score: (result) => {
      const [docname, title, , , score] = result;
      const words = queryWords();
      const pageTitle = String(title).split(" > ")[0].toLowerCase();
      const onTopic = words.length > 0 && words.every((word) => pageTitle.includes(word));
      return !isApiPage(docname) && onTopic ? score + TOPIC_BOOST : score;
    },

    // Sphinx's defaults for the rest.
    objNameMatch: 11,
    objPartialMatch: 6,
    objPrio: { 0: 15, 1: 5, 2: -5 },
    objPrioDefault: 0,
    title: 15,
    partialTitle: 7,
    term: 5,
    partialTerm: 2,
  };
})();
