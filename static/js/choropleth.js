// The classes of a choropleth, shared by every coloured map of the portal (the dashboards'
// and the aid map): quintile breaks of the figures shown, the colour of a value, and
// figures written as Indonesian readers write them (1.234,5).
(function () {
  "use strict";
  function breaks(figures, metric) {
    var values = Object.keys(figures).map(function (k) { return figures[k][metric]; })
      .filter(function (v) { return v !== null && v !== undefined; }).sort(function (a, b) { return a - b; });
    if (!values.length) { return []; }
    return [0.2, 0.4, 0.6, 0.8].map(function (q) { return values[Math.floor(q * (values.length - 1))]; });
  }
  function colourFor(value, cuts, colours) {
    if (value === null || value === undefined) { return "#dddddd"; }
    var i = 0;
    while (i < cuts.length && value > cuts[i]) { i += 1; }
    return colours[i];
  }
  function number(value, places) {
    return Number(value).toLocaleString("id-ID", { maximumFractionDigits: places === undefined ? 2 : places });
  }
  // The areas' boundaries on `map`, fitted into view; `ready(layer, collection)` colours them.
  function loadAreas(map, url, ready) {
    return fetch(url).then(function (r) { return r.json(); }).then(function (collection) {
      var layer = L.geoJSON(collection, { style: { weight: 1, color: "#333", fillOpacity: 0.8 } }).addTo(map);
      map.fitBounds(layer.getBounds(), { padding: [6, 6] });
      ready(layer, collection);
    });
  }
  window.PortalChoropleth = { breaks: breaks, colourFor: colourFor, number: number, loadAreas: loadAreas };
})();
