// Tables on a phone: each cell is labelled with its column's header (data-label), so that
// app.css can stack a row's cells as a card, each under its header, below the tablet
// breakpoint. The ARIA roles keep the table's meaning for screen readers once CSS changes the
// display of its parts. Without JavaScript a wide table scrolls inside itself (app.css), so
// the page never scrolls sideways.
export function labelTables(root = document) {
  for (const table of root.querySelectorAll("table.govuk-table:not(.app-table--stacked)")) {
    const headerRow = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    if (!headerRow || table.tHead.rows.length !== 1) continue;
    const labels = [];
    for (const cell of headerRow.cells) {
      for (let span = 0; span < (cell.colSpan || 1); span += 1) labels.push(cell.textContent.trim());
    }
    table.setAttribute("role", "table");
    for (const group of table.querySelectorAll(":scope > thead, :scope > tbody, :scope > tfoot")) {
      group.setAttribute("role", "rowgroup");
    }
    for (const row of table.rows) {
      row.setAttribute("role", "row");
      let column = 0;
      for (const cell of row.cells) {
        if (row.parentElement === table.tHead) {
          cell.setAttribute("role", "columnheader");
        } else {
          cell.setAttribute("role", cell.tagName === "TH" ? "rowheader" : "cell");
          if (labels[column]) cell.dataset.label = labels[column];
        }
        column += cell.colSpan || 1;
      }
    }
    table.classList.add("app-table--stacked");
  }
}

labelTables();
// Rows swapped in by htmx (the dashboard's filters) are labelled as they arrive.
document.body.addEventListener("htmx:afterSettle", (event) => labelTables(event.target));
