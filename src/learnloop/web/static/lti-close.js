// The platform that opened learnloop's registration page (LTI Dynamic Registration) closes its
// frame or window when told so; without JavaScript the page says to close it.
document.addEventListener("DOMContentLoaded", function () {
  var button = document.getElementById("lti-close");
  if (!button) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    var to = window.opener || window.parent;
    to.postMessage({ subject: "org.imsglobal.lti.close" }, "*");
  });
});
