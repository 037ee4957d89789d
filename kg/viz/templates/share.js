// What every view page shares: its state in the URL's hash, and exports made in the page
// (PNG, SVG, CSV) handed to the user as a blob download: no request leaves the page.
(function () {
  "use strict";
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (cls) { e.className = cls; }
    return e;
  }
  // The hash is `#key=value&key=a,b`: each value and each list element URI-encoded.
  function readState() {
    var out = {};
    String(window.location.hash || "").replace(/^#/, "").split("&").forEach(function (part) {
      if (!part) { return; }
      var at = part.indexOf("=");
      var key = at < 0 ? part : part.slice(0, at);
      try { out[decodeURIComponent(key)] = at < 0 ? "" : part.slice(at + 1); } catch (e) { /* skip */ }
    });
    return out;
  }
  function value(state, key) {
    try { return state[key] === undefined ? null : decodeURIComponent(state[key]); } catch (e) { return null; }
  }
  function list(state, key) {
    if (!state[key]) { return []; }
    return state[key].split(",").map(function (v) {
      try { return decodeURIComponent(v); } catch (e) { return null; }
    }).filter(function (v) { return v !== null && v !== ""; });
  }
  // Write the state (key -> string, list or null) into the hash without a new history entry.
  function writeState(state) {
    var parts = [];
    Object.keys(state).sort().forEach(function (key) {
      var v = state[key];
      if (v === null || v === undefined || v === "" || (Array.isArray(v) && !v.length)) { return; }
      var text = Array.isArray(v) ? v.map(encodeURIComponent).join(",") : encodeURIComponent(String(v));
      parts.push(encodeURIComponent(key) + "=" + text);
    });
    var hash = parts.length ? "#" + parts.join("&") : "";
    var base = window.location.href.replace(/#.*$/, "");
    if (window.location.hash !== hash) { window.history.replaceState(null, "", base + hash); }
  }
  function download(name, blob) {
    var url = URL.createObjectURL(blob);
    var a = document.createElement("a");
    a.href = url; a.download = name; a.hidden = true;
    document.body.appendChild(a);
    a.click();
    a.remove();
    window.setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }
  // CSV (RFC 4180): every cell quoted; a cell a spreadsheet would run as a formula is prefixed.
  function csv(header, rows) {
    function cell(v) {
      var s = String(v === undefined || v === null ? "" : v);
      if (/^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s)) { s = "'" + s; }
      return '"' + s.replace(/"/g, '""') + '"';
    }
    return [header].concat(rows).map(function (r) { return r.map(cell).join(","); }).join("\r\n") + "\r\n";
  }
  var SVG = "http://www.w3.org/2000/svg";
  function svgEl(tag, attrs, text) {
    var e = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, String(attrs[k])); });
    if (text !== undefined) { e.textContent = String(text); }
    return e;
  }
  function svgRoot(width, height) {
    var svg = svgEl("svg", { xmlns: SVG, width: width, height: height,
                             viewBox: "0 0 " + width + " " + height });
    svg.appendChild(svgEl("rect", { x: 0, y: 0, width: width, height: height, fill: "#ffffff" }));
    return svg;
  }
  function opaque(colour) {
    return colour && colour !== "transparent" && !/rgba\([^)]*,\s*0\)$/.test(colour);
  }
  // An SVG of what a DOM-drawn view shows inside `box`: each element's background and border
  // as a rectangle, each text as text, clipped as the page clips it (overflow hidden).
  function domToSvg(box) {
    var outer = box.getBoundingClientRect();
    var width = Math.round(outer.width), height = Math.round(outer.height);
    var svg = svgRoot(width, height), defs = svgEl("defs"), clips = 0;
    svg.appendChild(defs);
    function walk(node, parent) {
      if (node.nodeType === 3) {
        var text = node.nodeValue.replace(/\s+/g, " ").trim();
        if (!text) { return; }
        var range = document.createRange(); range.selectNodeContents(node);
        var r = range.getBoundingClientRect();
        if (!r.width || !r.height) { return; }
        var style = window.getComputedStyle(node.parentNode);
        var size = parseFloat(style.fontSize) || 12;
        parent.appendChild(svgEl("text", {
          x: (r.left - outer.left).toFixed(1), y: (r.top - outer.top + (r.height + size * 0.7) / 2).toFixed(1),
          "font-size": size, "font-family": "sans-serif", fill: style.color
        }, text));
        return;
      }
      if (node.nodeType !== 1) { return; }
      var cs = window.getComputedStyle(node);
      if (cs.display === "none" || cs.visibility === "hidden") { return; }
      var b = node.getBoundingClientRect(), target = parent;
      if (b.width > 0 && b.height > 0) {
        var x = (b.left - outer.left).toFixed(1), y = (b.top - outer.top).toFixed(1);
        var attrs = { x: x, y: y, width: b.width.toFixed(1), height: b.height.toFixed(1), fill: "none" };
        if (opaque(cs.backgroundColor)) { attrs.fill = cs.backgroundColor; }
        // Each border side drawn: all four alike as the rectangle's stroke, else as lines.
        var sides = ["Top", "Right", "Bottom", "Left"].map(function (side) {
          var w = parseFloat(cs["border" + side + "Width"]) || 0, c = cs["border" + side + "Color"];
          return w > 0 && cs["border" + side + "Style"] !== "none" && opaque(c) ? [w, c] : null;
        });
        var same = sides.every(function (d) { return d && d[0] === sides[0][0] && d[1] === sides[0][1]; });
        if (same) { attrs.stroke = sides[0][1]; attrs["stroke-width"] = sides[0][0]; }
        if (attrs.fill !== "none" || attrs.stroke) {
          if (parseFloat(cs.borderTopLeftRadius)) { attrs.rx = parseFloat(cs.borderTopLeftRadius); }
          parent.appendChild(svgEl("rect", attrs));
        }
        if (!same) {
          var l = b.left - outer.left, t = b.top - outer.top, r = l + b.width, btm = t + b.height;
          [[l, t, r, t], [r, t, r, btm], [l, btm, r, btm], [l, t, l, btm]].forEach(function (q, i) {
            if (!sides[i]) { return; }
            parent.appendChild(svgEl("line", { x1: q[0].toFixed(1), y1: q[1].toFixed(1), x2: q[2].toFixed(1),
              y2: q[3].toFixed(1), stroke: sides[i][1], "stroke-width": sides[i][0] }));
          });
        }
        if (cs.overflow !== "visible" && node !== box) {
          var id = "c" + (clips += 1), clip = svgEl("clipPath", { id: id });
          clip.appendChild(svgEl("rect", { x: x, y: y, width: b.width.toFixed(1), height: b.height.toFixed(1) }));
          defs.appendChild(clip);
          target = svgEl("g", { "clip-path": "url(#" + id + ")" });
          parent.appendChild(target);
        }
      }
      for (var c = node.firstChild; c; c = c.nextSibling) { walk(c, target); }
    }
    var all = svgEl("g", { "clip-path": "url(#c0)" });
    var frame = svgEl("clipPath", { id: "c0" });
    frame.appendChild(svgEl("rect", { x: 0, y: 0, width: width, height: height }));
    defs.appendChild(frame);
    svg.appendChild(all);
    walk(box, all);
    return svg;
  }
  function serialise(svg) {
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(svg) + "\n";
  }
  // A PNG of an SVG (drawn on a canvas as an image from a data: URL, which the page may show).
  function svgToPng(svg, done) {
    var width = +svg.getAttribute("width"), height = +svg.getAttribute("height");
    var ratio = window.devicePixelRatio || 1;
    var img = new Image();
    img.onload = function () {
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(width * ratio); canvas.height = Math.round(height * ratio);
      var ctx = canvas.getContext("2d");
      ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
      canvas.toBlob(done, "image/png");
    };
    img.onerror = function () { done(null); };
    var bytes = new TextEncoder().encode(serialise(svg)), bin = "";
    for (var i = 0; i < bytes.length; i += 1) { bin += String.fromCharCode(bytes[i]); }
    img.src = "data:image/svg+xml;base64," + btoa(bin);
  }
  // A file name from the page's view: "scs-kg: Actor network" -> "actor-network".
  function stem() {
    var t = document.title.replace(/^scs-kg:\s*/, "").toLowerCase().replace(/[^a-z0-9]+/g, "-");
    return t.replace(/^-+|-+$/g, "").slice(0, 60) || "view";
  }
  // A row of a details list: the name, then the value as text (a quote if asked); none if empty.
  function row(dl, name, value, asQuote) {
    if (!value) { return; }
    dl.appendChild(el("dt", name));
    var dd = el("dd");
    if (asQuote) { dd.appendChild(el("blockquote", value)); } else { dd.textContent = value; }
    dl.appendChild(dd);
  }
  // The SVG and PNG export buttons, saving what `picture()` draws (an <svg> element).
  function pictureExports(picture) {
    document.getElementById("kg-export-svg").addEventListener("click", function () {
      download(stem() + ".svg", new Blob([serialise(picture())], { type: "image/svg+xml" }));
    });
    document.getElementById("kg-export-png").addEventListener("click", function () {
      svgToPng(picture(), function (blob) { if (blob) { download(stem() + ".png", blob); } });
    });
  }
  window.kgShare = { el: el, readState: readState, value: value, list: list, writeState: writeState,
                     download: download, csv: csv, svgEl: svgEl, svgRoot: svgRoot, domToSvg: domToSvg,
                     serialise: serialise, svgToPng: svgToPng, stem: stem, row: row,
                     pictureExports: pictureExports };
})();
