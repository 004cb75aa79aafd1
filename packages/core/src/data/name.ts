/**
 * The rules of a record's name. Free of dependencies so that the web page bundles the very same rules
 * the API enforces, and its form can refuse a bad name before asking the server.
 */
export const NAME_MAX_LENGTH = 100;

// C0 and C1 control characters, DEL included.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/u;

// varchar(100) counts code points, so an emoji is one character here too, not two UTF-16 units.
export const nameLength = (name: string) => [...name].length;

export const hasControlCharacters = (name: string) => CONTROL_CHARACTERS.test(name);
