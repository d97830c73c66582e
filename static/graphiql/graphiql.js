// GraphiQL for /graphql, from the vendored builds in static/vendor (no CDN, no inline script).
// The access token goes in the Headers tab: {"Authorization": "Bearer <token>"}.
(function () {
  "use strict";
  var root = document.getElementById("graphiql");
  var params = new URLSearchParams(window.location.search);
  var defaultQuery = [
    "# Home energy API. Log in first (make seed prints demo logins):",
    "#   mutation { tokenAuth(email: \"...\", password: \"...\") { token } }",
    "# then put the token in the Headers tab below:",
    "#   {\"Authorization\": \"Bearer <token>\"}",
    "# The schema is in the Docs panel and in docs/schema.graphql.",
    "",
    "{ me { email household { name timezone } } }",
    "",
  ].join("\n");

  function keepInUrl(name) {
    return function (value) {
      var next = new URLSearchParams(window.location.search);
      if (value) {
        next.set(name, value);
      } else {
        next.delete(name);
      }
      window.history.replaceState(null, "", "?" + next.toString());
    };
  }

  var fetcher = GraphiQL.createFetcher({ url: root.dataset.endpoint });
  ReactDOM.createRoot(root).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: defaultQuery,
      query: params.get("query") || undefined,
      variables: params.get("variables") || undefined,
      onEditQuery: keepInUrl("query"),
      onEditVariables: keepInUrl("variables"),
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
    })
  );
})();
