// papersite: the helpers the iframe-worker shim (shim.js) used to write inline into its iframe,
// loaded from the site instead so the Content-Security-Policy needs no inline script for them.
postMessage=function(s,n){parent.postMessage(s,n||"*")};
importScripts=function(...s){return s.reduce((n,e)=>n.then(()=>new Promise(r=>{let t=document.createElement("script");t.src=e,t.onload=r,document.body.appendChild(t)})),Promise.resolve())};
addEventListener("error",({error})=>{parent.dispatchEvent(new ErrorEvent("error",{filename:frameElement.dataset.worker,error}))});
