// Puppeteer's own browser download cannot work on these machines: the graph test drives Debian's chromium.
module.exports = {skipDownload: true}
