import { describe, expect, it } from "vitest";
import { configProblems } from "../../helpers/config.js";
import { loadConfig } from "../../../src/config/index.js";
import { whatsAppCloudSettings } from "../../../src/channels/whatsapp-cloud/index.js";

const problems = configProblems;

describe("WHATSAPP_CLOUD_TEMPLATES", () => {
  it("defaults to no templates", () => {
    expect(loadConfig({}).WHATSAPP_CLOUD_TEMPLATES).toEqual({});
  });

  it("reads kind → language → template name", () => {
    const value = { reminder: { id: "balanting_pengingat", bjn: "balanting_pengingat_bjn" }, broadcast: { id: "balanting_info" } };
    expect(loadConfig({ WHATSAPP_CLOUD_TEMPLATES: JSON.stringify(value) }).WHATSAPP_CLOUD_TEMPLATES).toEqual(value);
  });

  it.each([
    ["{reminder:", 'WHATSAPP_CLOUD_TEMPLATES: must be JSON such as {"reminder":{"id":"balanting_pengingat"}}'],
    ["[1]", 'WHATSAPP_CLOUD_TEMPLATES: must be an object such as {"reminder":{"id":"balanting_pengingat"}}'],
    ['{"reminder":"balanting_pengingat"}', 'WHATSAPP_CLOUD_TEMPLATES.reminder: use {"id":"<template>","bjn":"<template>"}'],
    ['{"reminder":{"en":"balanting_pengingat"}}', "WHATSAPP_CLOUD_TEMPLATES.reminder: languages are id and bjn"],
    ['{"reminder":{"id":"Balanting-Pengingat"}}', "WHATSAPP_CLOUD_TEMPLATES.reminder.id: template names use only a-z, 0-9 and _"],
    [
      '{"Reminder":{"id":"balanting_pengingat"}}',
      "WHATSAPP_CLOUD_TEMPLATES.Reminder: message kinds are lowercase words (reminder, broadcast…)",
    ],
  ])("explains what is wrong with %s", (value, problem) => {
    expect(problems({ WHATSAPP_CLOUD_TEMPLATES: value })).toEqual([problem]);
  });
});

describe("whatsAppCloudSettings", () => {
  it("is null when the Cloud API is not configured", () => {
    expect(whatsAppCloudSettings(loadConfig({}))).toBeNull();
  });

  it("gathers the Cloud API settings", () => {
    const config = loadConfig({
      WHATSAPP_CLOUD_TOKEN: "t",
      WHATSAPP_CLOUD_PHONE_ID: "123",
      WHATSAPP_CLOUD_APP_SECRET: "s",
      WHATSAPP_CLOUD_VERIFY_TOKEN: "v",
      WHATSAPP_CLOUD_TEMPLATES: '{"reminder":{"id":"balanting_pengingat"}}',
    });
    expect(whatsAppCloudSettings(config)).toEqual({
      token: "t",
      phoneNumberId: "123",
      appSecret: "s",
      verifyToken: "v",
      apiRoot: "https://graph.facebook.com/v21.0",
      templates: { reminder: { id: "balanting_pengingat" } },
    });
  });
});
