// The section tabs (role=tablist with arrow keys, Home and End) and which one is shown. A view
// puts in `onShow` what to do when its tab opens, and polls only while isShown() says so.
import {$} from "./format.js";

const tabs = [...document.querySelectorAll('[role="tab"]')];
export const tabNames = tabs.map((tab) => tab.id.replace("tab-", ""));
let currentTab = "dashboard";
export const onShow = {};

export function isShown(name) {
  return currentTab === name;
}

export function showTab(name, {focus = false} = {}) {
  if (!tabNames.includes(name)) name = "dashboard";
  currentTab = name;
  for (const tab of tabs) {
    const selected = tab.id === `tab-${name}`;
    tab.setAttribute("aria-selected", String(selected));
    tab.tabIndex = selected ? 0 : -1;
    $(`#${tab.getAttribute("aria-controls")}`).hidden = !selected;
    if (selected && focus) tab.focus();
  }
  if (onShow[name]) onShow[name]();
}

for (const tab of tabs) {
  tab.addEventListener("click", () => {
    const name = tab.id.replace("tab-", "");
    if (location.hash !== `#${name}`) history.pushState(null, "", `#${name}`);
    showTab(name);
  });
  tab.addEventListener("keydown", (event) => {
    const index = tabs.indexOf(tab);
    let next = null;
    if (event.key === "ArrowRight") next = (index + 1) % tabs.length;
    else if (event.key === "ArrowLeft") next = (index - 1 + tabs.length) % tabs.length;
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = tabs.length - 1;
    if (next === null) return;
    event.preventDefault();
    const name = tabNames[next];
    history.pushState(null, "", `#${name}`);
    showTab(name, {focus: true});
  });
}
